"""The bundled episodes of coercive diplomacy without force: each record loads with its scenario
(model 3 fields included), and its monthly reading (docs/episodes.md §6) matches the reading
worked out by hand from the acts for chosen months of each actor."""

from __future__ import annotations

import numpy as np
import pytest

from escalation_sim.scenario.episode import NONE, Observed, load_episode

EPISODES = ["saudi_arabia_canada_2018_2023", "united_states_turkiye_2018_2019",
            "japan_south_korea_2019_2023", "china_lithuania_2021_2022",
            "china_australia_2020_2024", "china_philippines_2012_2013", "china_norway_2010_2016"]


def reading(name: str) -> tuple[Observed, list[str]]:
    ep = load_episode(name)
    return ep.observed(), list(ep.scenario.actors)


@pytest.mark.parametrize("name", EPISODES)
def test_record_loads_and_nobody_fires(name):
    ep = load_episode(name)
    assert ep.source.endswith(f"{name}.yaml")
    obs = ep.observed()
    assert len(obs.labels) == (ep.episode.end_date.year - ep.episode.start_date.year) * 12 \
        + ep.episode.end_date.month - ep.episode.start_date.month + 1
    assert not obs.force_by.any()  # coercion without force: no rung 8 or 9 in any month
    assert (obs.rung >= 4).any()  # but some side reduced relations or coerced
    assert all(e.source.startswith("http") for e in ep.episode.events)


def test_saudi_arabia_canada_by_hand():
    obs, ids = reading("saudi_arabia_canada_2018_2023")
    riyadh, ottawa = ids.index("riyadh"), ids.index("ottawa")
    # Aug 2018: Riyadh expels the ambassador (166, 4), recalls its own (161, 4), freezes new trade
    # (163, 6) and more; its words (112, 1042: 3; the call, 041: 1) do not raise the month.
    assert (obs.rung[riyadh, 0], obs.material[riyadh, 0], obs.declaratory[riyadh, 0]) == (6, 6, 3)
    # Sep 2018: Ottawa's only act is Freeland's hope to meet al-Jubeir (036, 1), nothing in force;
    # Oct 2018: no act at all, so the starting rung 2; Nov 2018: the sanctions (163) stay open.
    assert list(obs.rung[ottawa, 1:4]) == [1, 2, 6]
    assert (obs.material[ottawa, 1], obs.declaratory[ottawa, 1]) == (NONE, 1)
    # Sep 2023, the last month: Saudia's flights return (lifted 29 Sep, in force before), and the
    # trade freeze is open: still 6.
    assert obs.rung[riyadh, -1] == 6
    assert not obs.engaged_by.any()


def test_united_states_turkiye_by_hand():
    obs, ids = reading("united_states_turkiye_2018_2019")
    usa, tur = ids.index("washington"), ids.index("ankara")
    # Jul 2018: Washington only speaks (Trump's tweet 1053, the threat of sanctions 1312: 3);
    # Ankara holds the pastor (173, 5) in prison and then under house arrest.
    assert (obs.rung[usa, 0], obs.material[usa, 0], obs.declaratory[usa, 0]) == (3, NONE, 3)
    assert (obs.rung[tur, 0], obs.material[tur, 0]) == (5, 5)
    # Oct 2018: the release (0841, 0) does not lower a month with Ankara's tariffs (163) in force.
    assert obs.rung[tur, 3] == 6
    # Nov 2018: the ministers' sanctions are lifted on 2 Nov, but the steel tariff stays: 6.
    assert obs.rung[usa, 4] == 6
    np.testing.assert_array_equal(obs.start, [2, 5])  # the detention is in force on day 0


def test_japan_south_korea_by_hand():
    obs, ids = reading("japan_south_korea_2019_2023")
    tokyo, seoul = ids.index("tokyo"), ids.index("seoul")
    # Jul 2019: Tokyo's licences (163, 6); Seoul only protests (1042, 3); the boycott is an
    # incident, counted beside the reading.
    assert (obs.rung[tokyo, 0], obs.rung[seoul, 0]) == (6, 3)
    assert obs.incidents[seoul, 0] == 1 and obs.material[seoul, 0] == NONE
    # Nov 2019: Seoul suspends its GSOMIA notice (080, 0) but keeps Japan off its white list (6).
    assert obs.rung[seoul, 4] == 6
    # Apr 2023: Seoul's white list is restored on 24 Apr (in force before): 6; May 2023: no act,
    # nothing in force: the starting rung 2. Jul 2023: Tokyo's list restored on 27 Jun: 2.
    assert list(obs.rung[seoul, 45:47]) == [6, 2]
    assert obs.rung[tokyo, 48] == 2


def test_china_lithuania_by_hand():
    obs, ids = reading("china_lithuania_2021_2022")
    beijing, vilnius = ids.index("beijing"), ids.index("vilnius")
    # Jul 2021: Beijing has not acted yet (2); the office's announcement is Vilnius's incident.
    # Aug 2021: ambassador recalled (161, 4), demand (1042, 3), freight trains (163, 6).
    assert list(obs.rung[beijing, :2]) == [2, 6]
    assert obs.incidents[vilnius, 0] == 1
    # Vilnius: nothing in Jul-Aug 2021 (2); its ambassador recalled on 3 Sep 2021 (161, 4, open).
    assert list(obs.rung[vilnius, :3]) == [2, 2, 4]
    assert obs.rung[vilnius, -1] == 4


def test_china_australia_by_hand():
    obs, ids = reading("china_australia_2020_2024")
    beijing, canberra = ids.index("beijing"), ids.index("canberra")
    # Apr 2020: the inquiry call (100) and the ambassador called (112) against the boycott
    # warning (1312): words, 3 each. May 2020: beef and barley (163): 6; Canberra silent: 2.
    assert list(obs.rung[beijing, :2]) == [3, 6]
    assert list(obs.rung[canberra, :2]) == [3, 2]
    # Apr 2021: the Victorian Belt and Road deals cancelled (161, one-off): 4.
    assert obs.rung[canberra, 12] == 4
    # Apr 2023: Canberra suspends its WTO case (080, 0) and does nothing hostile: 0; Beijing's beef
    # suspensions and dialogue freeze stay open: 6.
    assert (obs.rung[canberra, 36], obs.rung[beijing, 36]) == (0, 6)


def test_china_philippines_by_hand():
    obs, ids = reading("china_philippines_2012_2013")
    beijing, manila = ids.index("beijing"), ids.index("manila")
    # China's ships stay at the shoal (150, 7, open) in every month.
    assert (obs.rung[beijing] == 7).all()
    # Manila: its ships at the shoal (150, 7) from 12 Apr to 14 Jun; nothing from July; Roxas's
    # visit (042, 1) in September; the arbitration (115, 3) in January 2013.
    np.testing.assert_array_equal(obs.rung[manila], [7, 7, 7, 2, 2, 1, 2, 2, 2, 3])
    # The boarding (Manila's, the trigger) and the hacking (from China) are incidents.
    assert (obs.incidents[manila, 0], obs.incidents[beijing, 0]) == (1, 1)


def test_china_norway_by_hand():
    obs, ids = reading("china_norway_2010_2016")
    beijing, oslo = ids.index("beijing"), ids.index("oslo")
    # Oct 2010: summons (112) and warning (1313), 3; meetings cancelled and political contact
    # ended (161), 4. Dec 2010: the salmon procedures (163, open): 6 from then on.
    assert (obs.rung[beijing, 0], obs.material[beijing, 0]) == (4, 4)
    assert obs.declaratory[beijing, 0] == 3
    assert list(obs.rung[beijing, 1:3]) == [4, 6] and (obs.rung[beijing, 2:] == 6).all()
    # Oslo: the award is an incident, not Oslo's act: the starting rung 2. Apr 2014: the decision
    # not to meet the Dalai Lama (0832, 0) is its only act. Dec 2016: visit and statement (1).
    assert (obs.rung[oslo, 0], obs.incidents[oslo, 0]) == (2, 1)
    assert (obs.rung[oslo, 42], obs.rung[oslo, -1]) == (0, 1)


def test_scenarios_carry_the_model_3_fields():
    usa = load_episode("united_states_turkiye_2018_2019").scenario
    assert usa.allied and not usa.contiguous
    assert [(d.actor, d.of, d.issue) for d in usa.demands][0] == ("washington", "ankara",
                                                                    "brunson")
    assert usa.actors["ankara"].initial_measures == {"legal": 1}
    kor = load_episode("japan_south_korea_2019_2023").scenario
    assert kor.contiguous and not kor.allied
    phl = load_episode("china_philippines_2012_2013").scenario
    assert phl.issues["scarborough"].militarised
    ltu = load_episode("china_lithuania_2021_2022").scenario
    assert ltu.incidents["taiwan_office_step"].control == "external"
    sau = load_episode("saudi_arabia_canada_2018_2023").scenario
    assert sau.demands[0].issue == "activists_criticism"
    aus = load_episode("china_australia_2020_2024").scenario
    assert aus.actors["canberra"].energy_dependence > aus.actors["beijing"].energy_dependence
