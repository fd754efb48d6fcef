"""The bundled episodes of Russia and its neighbours: each loads (every check of the episode and
of its scenario passes), and its monthly reading matches the one worked out by hand from the
coding protocol (docs/episodes.md §6) for every month of the window.

Reading by hand: an actor's month is the highest rung among its leadership acts dated in the
month and its measures in force on some day of it (from the act's date to the day before `ends`,
`open` to the window's end); with neither, its starting rung (2). Incidents never count.
"""

from __future__ import annotations

import numpy as np
import pytest

from escalation_sim.scenario.episode import NONE, load_episode


def test_russia_ukraine_2006_by_hand():
    ep = load_episode("russia_ukraine_2006")
    assert ep.scenario.contiguous and not ep.scenario.allied
    assert ep.scenario.actors["kyiv"].transit_leverage == pytest.approx(0.8)
    assert [(d.actor, d.of, d.issue) for d in ep.scenario.demands] == [
        ("moscow", "kyiv", "gas_price")]
    obs = ep.observed()
    assert obs.labels == ["2005-12", "2006-01"]
    # moscow, Dec 2005: the threats and criticism of 10, 13 and 27 Dec (111, 1312, 130: rung 3)
    # and Putin's offer of 31 Dec (035: rung 1); no measure: 3. Jan 2006: the cut-off of 1-3 Jan
    # (163, ends 4 Jan): 6; the lifting (085, 0) does not lower the month.
    # kyiv, Dec 2005: the lease threats (131) and the refusal of 30 Dec (124): 3. Jan 2006: the
    # Yalta lighthouse taken on 13 Jan (171, legal coercion, open): 5, above its refusals (3).
    np.testing.assert_array_equal(obs.rung, [[3, 6], [3, 5]])
    np.testing.assert_array_equal(obs.material, [[NONE, 6], [NONE, 5]])
    np.testing.assert_array_equal(obs.declaratory, [[3, 3], [3, 3]])
    assert not obs.incidents.any() and not obs.force_by.any() and not obs.engaged_by.any()


def test_russia_ukraine_2009_by_hand():
    ep = load_episode("russia_ukraine_2009")
    assert ep.scenario.issues["gas_price"].domain == "energy"
    obs = ep.observed()
    assert obs.labels == ["2008-12", "2009-01"]
    # moscow, Dec 2008: the accusation of 22 Dec and the threats of 31 Dec (112, 130, 1312): 3.
    # Jan 2009: the three cuts (163, 1, 5 and 7 Jan, all lifted 20 Jan): 6.
    # kyiv, Dec 2008: a statement (010) and an appeal (020), both rung 2: 2. Jan 2009: the
    # accusation of 7 Jan and the refusal of 15 Jan (112, 124): 3, above its signatures (1); no
    # material act but the signatures' declaratory codes, so M is none.
    np.testing.assert_array_equal(obs.rung, [[3, 6], [2, 3]])
    np.testing.assert_array_equal(obs.material, [[NONE, 6], [NONE, NONE]])
    assert not obs.engaged_by.any()


def test_russia_estonia_2007_by_hand():
    ep = load_episode("russia_estonia_2007")
    # the trigger (the excavation, an external incident) adds its severity to Moscow's grievance
    assert ep.scenario.actors["moscow"].initial_grievance == pytest.approx(
        ep.scenario.incidents["memorial_relocation"].severity)
    assert ep.scenario.incidents["memorial_relocation"].control == "external"
    obs = ep.observed()
    assert obs.labels == ["2007-04", "2007-05", "2007-06"]
    # moscow, Apr: the ministry's threat, the call to break relations and the Duma delegation's
    # demands (130, 1313, 1041): 3. May and June: the rail halt of 2 May (163) and the bridge
    # closure of 9 May (191), both open: 6.
    # tallinn, every month: its accusations (112): 3; the relocation steps are incidents.
    np.testing.assert_array_equal(obs.rung, [[3, 6, 6], [3, 3, 3]])
    # incidents by perpetrator: Moscow's side the cyber attacks (Apr) and the embassy blockade
    # (May); Tallinn's the excavation and removal (Apr) and the opening at the cemetery (May)
    np.testing.assert_array_equal(obs.incidents, [[1, 1, 0], [2, 1, 0]])


def test_russia_belarus_2009_2010_by_hand():
    ep = load_episode("russia_belarus_2009_2010")
    assert ep.scenario.allied and ep.scenario.contiguous
    assert ep.scenario.actors["minsk"].transit_leverage == pytest.approx(0.4)
    obs = ep.observed()
    assert len(obs.labels) == 19 and obs.labels[0] == "2009-06" and obs.labels[-1] == "2010-12"
    # moscow: the dairy ban of 6-16 Jun 2009 (163): 6; nothing from Jul to Nov 2009: 2; the
    # meeting of 10 Dec 2009 (040): 1; the oil duty from 1 Jan 2010 (163), partly lifted on 27
    # Jan and its remainder in force to 8 Dec 2010: 6 in every month of 2010.
    # minsk: the customs checks of 16 Jun 2009 (163, lifted 17 Jun): 6; Jul-Nov 2009: 2; the
    # meeting (040) in Dec 2009 and the oil package (057) in Jan 2010: 1; Feb-May 2010: 2; the
    # transit threats of 22-23 Jun 2010 (1312): 3 (the payment, 080, reads 0 and does not lower
    # it); Jul-Nov 2010: 2 (a statement, 010, in Oct: 2); the oil deal (057) in Dec 2010: 1.
    np.testing.assert_array_equal(obs.rung[0], [6] + [2] * 5 + [1] + [6] * 12)
    np.testing.assert_array_equal(obs.rung[1], [6] + [2] * 5 + [1, 1] + [2] * 4 + [3]
                                  + [2] * 5 + [1])
    # both sides read engagement (<= 1) in Dec 2009, and only then
    assert obs.engaged_by.tolist() == [False] * 6 + [True] * 13
    assert obs.incidents[0].tolist() == [0] * 13 + [1] + [0] * 5  # NTV's film, Jul 2010


def test_russia_moldova_2013_2014_by_hand():
    ep = load_episode("russia_moldova_2013_2014")
    assert not ep.scenario.contiguous
    assert ep.scenario.issues["transdniestria"].militarised
    assert [(d.actor, d.of, d.issue) for d in ep.scenario.demands] == [
        ("moscow", "chisinau", "eu_association")]
    obs = ep.observed()
    assert len(obs.labels) == 12 and obs.labels[-1] == "2014-08"
    # moscow: the wine ban of 10 Sep 2013 (163, open) reads 6 in every month.
    # chisinau: the refusals of Sep and Oct 2013 (124): 3; Nov 2013 - Jul 2014 only incidents
    # (the initialling, signature and ratification are external): 2; the criticism of the curbs
    # on 21 Aug 2014 (111): 3.
    np.testing.assert_array_equal(obs.rung, [[6] * 12, [3, 3] + [2] * 9 + [3]])
    np.testing.assert_array_equal(obs.incidents[1], [0, 0, 1] + [0] * 6 + [1, 1, 0])


def test_russia_armenia_2024_2025_by_hand():
    ep = load_episode("russia_armenia_2024_2025")
    assert ep.scenario.allied and not ep.scenario.contiguous
    assert [(d.actor, d.of, d.issue) for d in ep.scenario.demands] == [
        ("yerevan", "moscow", "border_guards")]
    obs = ep.observed()
    assert len(obs.labels) == 18 and obs.labels[0] == "2024-02"
    # yerevan: the CSTO freeze of 22 Feb 2024 (161, open) reads 4 in every month.
    # moscow: Feb-Mar 2024 words (10, 111, 130): 3; Apr: 2; the ambassador's recall from 24 May
    # to 9 Jun (161): 4 in May and June; the withdrawal from Zvartnots on 31 Jul (080), its only
    # act that month: 0; Aug-Dec: 2; Jan 2025 Overchuk's warning (1312) over the Agarak handover
    # (080): 3; Feb: 2; Mar: 3; Apr-May: 2; the flower restrictions from 25 Jun (163, open): 6.
    np.testing.assert_array_equal(obs.rung[0], [3, 3, 2, 4, 4, 0] + [2] * 5
                                  + [3, 2, 3, 2, 2, 6, 6])
    np.testing.assert_array_equal(obs.rung[1], [4] * 18)
    assert obs.material[0, 5] == 0 and obs.declaratory[0, 5] == NONE  # July 2024


def test_russia_lithuania_2013_by_hand():
    ep = load_episode("russia_lithuania_2013")
    assert ep.scenario.contiguous and not ep.scenario.allied
    assert [(d.actor, d.of, d.issue) for d in ep.scenario.demands] == [
        ("moscow", "vilnius", "dairy_access")]
    obs = ep.observed()
    assert obs.labels == ["2013-09", "2013-10", "2013-11", "2013-12"]
    # moscow: the customs checks (163, 11 Sep - 9 Oct), the dairy ban (163, 7 Oct - 25 Dec) and
    # its remainder from 26 Dec (163, open): 6 in every month; its words (1312, 10) read 3.
    # vilnius: no act in Sep: 2; the Kaliningrad and WTO threats and the accusation (131, 130,
    # 112): 3 in Oct; none in Nov: 2; the documents of 17 Dec (080), its only act: 0.
    np.testing.assert_array_equal(obs.rung, [[6, 6, 6, 6], [2, 3, 2, 0]])
    np.testing.assert_array_equal(obs.declaratory[0], [3, 3, NONE, 1])
    assert not obs.engaged_by.any()  # Moscow's measures stay in force
