"""Build escsim's base-rate table of force and crisis duration from ICB (and optionally CoW-MID).

Reads the International Crisis Behavior actor-level file (icb2v14.csv) and system-level file
(icb1v14.csv) from paths given on the command line, and writes derived aggregates only (shares
with Wilson 95% intervals, duration quantiles with order-statistic intervals, and derived annual
hazards) to ``src/escalation_sim/data/icb_aggregates.csv``. The raw files are never copied into
the repository.

With ``--cow-dir`` (a folder holding the Correlates of War tables ``cow_contdir``,
``cow_mid_dirdisps`` and ``cow_majors`` as packaged in the peacesciencer R package, as ``.rda``
files read with the ``rdata`` Python package or as ``.csv`` exports) it also adds: contiguity of
each crisis actor with its principal adversary (and the three reference classes, which need it),
and the share of bilateral militarized interstate disputes that reached a use of force, by
contiguity and major/minor-power status.

Variable meanings follow the ICB codebooks (Brecher, Wilkenfeld, Beardsley, James and Quinn,
International Crisis Behavior Data Codebook, Version 13, 22 June 2020, ICB1 and ICB2); see
docs/icb.md for the codes used and how every row is computed.

Usage::

    python docs/make_icb_aggregates.py --icb2 PATH/icb2v14.csv --icb1 PATH/icb1v14.csv \
        [--cow-dir DIR] [--holdout 12,34] [--doc docs/icb.md] \
        [--out src/escalation_sim/data/icb_aggregates.csv]

``--holdout`` removes the listed ICB crisis numbers (CRISNO) before anything is computed, so that
crises reserved for out-of-sample tests do not inform the base rates.
"""

from __future__ import annotations

import argparse
import math
import sys
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import binom

Z95 = 1.959963984540054
SRC_ICB2 = "ICB v14 actor level (icb2v14)"
SRC_ICB12 = "ICB v14 actor level (icb2v14) + system level GEOGREL (icb1v14)"
SRC_MID = ("CoW-MID 5 directed dispute-years (peacesciencer), CoW direct contiguity v3.2, "
           "CoW major powers 2016")
SRC_CONT = "ICB v14 actor level (icb2v14) + CoW direct contiguity v3.2"
SRC_DERIVED = "derived from the ICB rows of this table"

# Bins of POWDIS (actor's power score, with tight allies, minus its principal adversary's; the
# codebook's six-component score). Thresholds are this table's choice: |POWDIS| <= 3 holds the
# Armenia/Azerbaijan and India/Pakistan crises; >= 15 is the upper quartile of |POWDIS|.
PARITY_MAX = 3
LARGE_MIN = 15
NUCLEAR_MIN = 3  # NUCLEAR 3: possession of nuclear weapons and delivery means; 4: second strike
GREAT_MIN = 3  # POWSTA / SOUTHPOW 3: great power; 4: superpower
ADV_NUCLEAR_WINDOW_YEARS = 5

CRISMG_LABELS = {
    1: "negotiation",
    2: "adjudication_or_arbitration",
    3: "mediation",
    4: "multiple_not_including_violence",
    5: "non_military_pressure",
    6: "non_violent_military",
    7: "multiple_including_violence",
    8: "violence",
}
GEOGREL_LABELS = {1: "contiguous", 2: "near_neighbours", 3: "distant"}
CRACTLOC_LABELS = {1: "home_territory", 2: "sub_region", 3: "same_continent", 4: "elsewhere"}

COLUMNS = [
    "measure", "group_variable", "group_value", "n", "value", "ci_low", "ci_high", "unit",
    "note", "source",
]


class InputError(Exception):
    """A bad input file or value; the message names the file, the field and what is allowed."""


def wilson(k: int, n: int) -> tuple[float, float, float]:
    """Share k/n with its Wilson score 95% interval.

    Args:
        k: Number of successes.
        n: Number of trials (> 0).

    Returns:
        (share, lower bound, upper bound), each in [0, 1].
    """
    p = k / n
    denom = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denom
    lo = 0.0 if k == 0 else max(0.0, centre - half)
    hi = 1.0 if k == n else min(1.0, centre + half)
    return p, lo, hi


def quantile_ci(values: np.ndarray, q: float) -> tuple[float, float, float]:
    """Sample quantile with a distribution-free (order-statistic) 95% interval.

    The interval runs from the r-th to the s-th smallest value, r = F^-1(0.025) and
    s = F^-1(0.975) + 1 for F the Binomial(n, q) distribution, clipped to the sample's minimum
    and maximum (so small groups get the whole range).

    Args:
        values: Observed values (at least one).
        q: Quantile in (0, 1).

    Returns:
        (quantile, lower bound, upper bound), in the unit of ``values``.
    """
    x = np.sort(values)
    n = len(x)
    lo_rank = int(binom.ppf(0.025, n, q)) - 1  # 0-based index of the r-th smallest
    hi_rank = int(binom.ppf(0.975, n, q))  # 0-based index of the s-th smallest
    return (
        float(np.quantile(x, q)),
        float(x[max(0, min(n - 1, lo_rank))]),
        float(x[max(0, min(n - 1, hi_rank))]),
    )


def read_csv(path: Path, required: Iterable[str]) -> pd.DataFrame:
    """Read one ICB CSV and check that it has the columns this script uses.

    Args:
        path: CSV file (a UTF-8 byte-order mark is accepted).
        required: Lower-case column names that must be present.

    Returns:
        The table with lower-case column names.

    Raises:
        InputError: The file is missing, unreadable or lacks a column.
    """
    try:
        df = pd.read_csv(path, encoding="utf-8-sig", low_memory=False)
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot be read as CSV ({exc})") from exc
    df.columns = [str(c).strip().lower() for c in df.columns]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
    return df


ICB2_COLUMNS = [
    "crisno", "cracid", "actor", "systrgyr", "yrtrig", "motrig", "triggr", "southv", "southpow",
    "crismg",
    "sevvio", "viol", "trgterra", "cractloc", "powdis", "gpinv", "powinv", "nuclear", "powsta",
]


REFERENCE_CLASSES: list[tuple[str, str, str]] = [
    ("ref_a", "a_great_power_vs_much_weaker_land_neighbour_nuclear_asymmetric",
     "actor and principal adversary share a land border; one side POWSTA/SOUTHPOW>=3 (great "
     "power or superpower), the other <=2; only the great-power side NUCLEAR>=3; "
     f"|POWDIS|>={LARGE_MIN}; rows of both sides"),
    ("ref_a_any_gap", "a_any_gap_great_power_vs_weaker_land_neighbour_nuclear_asymmetric",
     "as class a without the POWDIS condition (rows with POWDIS missing included)"),
    ("ref_b", "b_near_peers_land_neighbours_non_nuclear",
     f"land border; |POWDIS|<={PARITY_MAX}; neither side NUCLEAR>=3"),
    ("ref_c", "c_nuclear_dyad", "actor and principal adversary both NUCLEAR>=3"),
    ("ref_c_land", "c_nuclear_dyad_land_neighbours", "class c with a land border"),
]


def contiguity_type(
    df: pd.DataFrame, code_a: str, code_b: str, day: str, cont: pd.DataFrame
) -> pd.Series:
    """CoW direct-contiguity type of each row's pair of states on a given day.

    Args:
        df: Rows holding two state codes and a day.
        code_a: Column of the first state's code.
        code_b: Column of the second state's code.
        day: Column of the day, as days since 1970-01-01. Days after the contiguity table's
            last date are read as that last date (the table ends in 2016).
        cont: Directed CoW direct-contiguity table (ccode1, ccode2, conttype, stdate, enddate;
            dates as days since 1970-01-01).

    Returns:
        Per row: the closest contiguity type in force (1 land; 2-5 separated by up to 12, 24,
        150, 400 miles of water), or 0 when none is.
    """
    last = cont["enddate"].max()
    left = pd.DataFrame({"row": np.arange(len(df)), "a": df[code_a].to_numpy(),
                         "b": df[code_b].to_numpy(),
                         "day": np.minimum(df[day].to_numpy(dtype=float), last)})
    j = left.merge(cont, left_on=["a", "b"], right_on=["ccode1", "ccode2"], how="inner")
    j = j[(j["stdate"] <= j["day"]) & (j["day"] <= j["enddate"]) & (j["conttype"] > 0)]
    best = j.groupby("row")["conttype"].min()
    return pd.Series(best.reindex(np.arange(len(df))).fillna(0).to_numpy(dtype=int),
                     index=df.index)


def load_actors(icb2: Path, icb1: Path, holdout: set[int],
                cont: pd.DataFrame | None) -> pd.DataFrame:
    """Load the crisis-actor rows and derive the grouping variables used in the table.

    Args:
        icb2: Path of the ICB actor-level file.
        icb1: Path of the ICB system-level file.
        holdout: ICB crisis numbers to leave out.
        cont: CoW direct-contiguity table, or None (then no dyadic contiguity and no reference
            classes).

    Returns:
        One row per crisis actor with the ICB columns plus derived columns.

    Raises:
        InputError: A file lacks a column or a holdout number names no crisis.
    """
    a = read_csv(icb2, ICB2_COLUMNS)
    s = read_csv(icb1, ["crisno", "geogrel"])
    unknown = sorted(holdout - set(a["crisno"].dropna().astype(int)))
    if unknown:
        raise InputError(f"--holdout: crisis number(s) {unknown} not in {icb2}")
    a = a[~a["crisno"].isin(holdout)].copy()
    a = a.merge(s[["crisno", "geogrel"]], on="crisno", how="left")

    # Adversary's nuclear status: its own NUCLEAR code in the same crisis when the principal
    # adversary (SOUTHV) is also a crisis actor there; otherwise its code in the nearest ICB
    # crisis within five years (earlier year on ties); otherwise unknown.
    same = (
        a[["crisno", "cracid", "nuclear"]]
        .dropna()
        .drop_duplicates(["crisno", "cracid"])
        .rename(columns={"cracid": "southv", "nuclear": "adv_nuclear_same"})
    )
    a = a.merge(same, on=["crisno", "southv"], how="left")
    lookup = a[["cracid", "systrgyr", "nuclear"]].dropna()
    by_state = {int(k): g.sort_values("systrgyr") for k, g in lookup.groupby("cracid")}

    def nearest(row: pd.Series) -> float:
        if pd.notna(row["adv_nuclear_same"]):
            return float(row["adv_nuclear_same"])
        if pd.isna(row["southv"]) or int(row["southv"]) not in by_state:
            return math.nan
        g = by_state[int(row["southv"])]
        gap = (g["systrgyr"] - row["systrgyr"]).abs()
        if gap.min() > ADV_NUCLEAR_WINDOW_YEARS:
            return math.nan
        return float(g.loc[gap == gap.min(), "nuclear"].iloc[0])

    a["adv_nuclear"] = a.apply(nearest, axis=1)
    a["adv_nuclear_source"] = np.where(
        a["adv_nuclear_same"].notna(), "same_crisis",
        np.where(a["adv_nuclear"].notna(), "nearest_crisis", "unknown"),
    )

    actor_nuc = a["nuclear"] >= NUCLEAR_MIN
    adv_nuc = a["adv_nuclear"] >= NUCLEAR_MIN
    known = a["nuclear"].notna() & a["adv_nuclear"].notna()
    a["dyad_nuclear"] = np.select(
        [~known, actor_nuc & adv_nuc, actor_nuc & ~adv_nuc, ~actor_nuc & adv_nuc],
        ["", "both_nuclear", "actor_only_nuclear", "adversary_only_nuclear"],
        default="neither_nuclear",
    )

    d = a["powdis"]
    a["powdis_class"] = np.select(
        [d.isna(), d.abs() <= PARITY_MAX, d >= LARGE_MIN, d <= -LARGE_MIN, d > 0],
        ["", "near_parity", "actor_much_stronger", "actor_much_weaker", "actor_stronger"],
        default="actor_weaker",
    )
    a["geogrel_label"] = a["geogrel"].map(GEOGREL_LABELS).fillna("")
    a["cractloc_label"] = a["cractloc"].map(CRACTLOC_LABELS).fillna("")

    # Great-power involvement: before 1945 GPINV (4-7: a great power highly involved or a crisis
    # actor), from 1945 POWINV (4-7: US or USSR/Russia highly involved or a crisis actor).
    level = np.where(a["gpinv"] == 1, a["powinv"], a["gpinv"])
    a["gp_involvement"] = np.select(
        [pd.isna(level), level >= 4, level >= 2], ["", "high_or_crisis_actor", "none_or_low"],
        default="",
    )
    a["period"] = pd.cut(
        a["systrgyr"], [1917, 1945, 1989, 2100], labels=["1918-1945", "1946-1989", "1990-2017"]
    ).astype(str).replace("nan", "")

    strong = a["powsta"] >= GREAT_MIN
    adv_strong = a["southpow"] >= GREAT_MIN
    a["power_status_pair"] = np.select(
        [a["powsta"].isna() | a["southpow"].isna(), strong & adv_strong, strong, adv_strong],
        ["", "great_vs_great", "great_vs_small_or_middle", "small_or_middle_vs_great"],
        default="small_or_middle_vs_small_or_middle",
    )
    # TRIGGR: 1-6 verbal, political, economic, external change, other non-violent, internal
    # challenge; 7 non-violent military act; 8 indirect violent act; 9 violent act
    a["trigger_type"] = np.select(
        [a["triggr"].isna(), a["triggr"] == 9, a["triggr"] == 8, a["triggr"] == 7],
        ["", "violent_act", "indirect_violent_act", "non_violent_military_act"],
        default="non_military_act",
    )
    a["used_violence"] = np.where(
        a["sevvio"].isna(), "", np.where(a["sevvio"] >= 2, "yes", "no")
    )

    a["adversary_contiguity"] = ""
    for flag, _, _ in REFERENCE_CLASSES:
        a[flag] = False
    if cont is None:
        return a
    # Contiguity of the actor with its principal adversary (SOUTHV, a state code below 990),
    # dated from the 15th of the month of the actor's trigger (1 July when the month is unknown).
    year = a["yrtrig"].fillna(a["systrgyr"])
    state_adv = a["southv"].notna() & (a["southv"] < 990) & year.notna()
    known_month = a["motrig"].between(1, 12)
    when = pd.to_datetime(pd.DataFrame({
        "year": year[state_adv].astype(int),
        "month": a.loc[state_adv, "motrig"].where(known_month[state_adv], 7).astype(int),
        "day": np.where(known_month[state_adv], 15, 1),
    }))
    a["trigger_day"] = (when - pd.Timestamp("1970-01-01")).dt.days
    a["end_day"] = a["trigger_day"] + a["trgterra"].fillna(1) - 1
    # closest contiguity in force at the trigger or at termination (a state may join the
    # system during its crisis)
    at_start = contiguity_type(a[state_adv], "cracid", "southv", "trigger_day", cont)
    at_end = contiguity_type(a[state_adv], "cracid", "southv", "end_day", cont)
    ctype = at_start.where((at_start > 0) & ((at_start <= at_end) | (at_end == 0)), at_end)
    a.loc[state_adv, "adversary_contiguity"] = ctype.map(
        lambda t: "land" if t == 1 else ("water_up_to_400_miles" if t > 1 else "not_contiguous"))
    land = a["adversary_contiguity"] == "land"

    asym = a["power_status_pair"].isin(["great_vs_small_or_middle", "small_or_middle_vs_great"])
    gp_side_nuclear = (
        (a["power_status_pair"] == "great_vs_small_or_middle")
        & (a["dyad_nuclear"] == "actor_only_nuclear")
    ) | (
        (a["power_status_pair"] == "small_or_middle_vs_great")
        & (a["dyad_nuclear"] == "adversary_only_nuclear")
    )
    a["ref_a"] = land & asym & gp_side_nuclear & (a["powdis"].abs() >= LARGE_MIN)
    a["ref_a_any_gap"] = land & asym & gp_side_nuclear
    a["ref_b"] = land & (a["powdis"].abs() <= PARITY_MAX) & (a["dyad_nuclear"] == "neither_nuclear")
    a["ref_c"] = a["dyad_nuclear"] == "both_nuclear"
    a["ref_c_land"] = a["ref_c"] & land
    return a


SHARE_MEASURES: list[tuple[str, str, Callable[[pd.DataFrame], pd.Series]]] = [
    ("share_actor_used_violence", "sevvio", lambda d: d["sevvio"] >= 2),
    ("share_actor_used_serious_violence", "sevvio", lambda d: d["sevvio"] >= 3),
    ("share_actor_experienced_violence", "viol", lambda d: d["viol"] >= 2),
    ("share_actor_experienced_serious_violence", "viol", lambda d: d["viol"] >= 3),
]
SHARE_NOTES = {
    "share_actor_used_violence": "SEVVIO>=2: actor employed violence, minor clashes or more",
    "share_actor_used_serious_violence": "SEVVIO>=3: actor employed serious clashes or war",
    "share_actor_experienced_violence": "VIOL>=2: violence experienced by actor (either side), "
    "minor clashes or more",
    "share_actor_experienced_serious_violence": "VIOL>=3: serious clashes or war experienced",
}


def row(measure: str, gvar: str, gval: str, n: int, est: tuple[float, float, float],
        unit: str, note: str, source: str) -> dict[str, object]:
    """One output row."""
    value, lo, hi = est
    return {"measure": measure, "group_variable": gvar, "group_value": gval, "n": n,
            "value": value, "ci_low": lo, "ci_high": hi, "unit": unit, "note": note,
            "source": source}


def group_rows(d: pd.DataFrame, gvar: str, gval: str, source: str) -> list[dict[str, object]]:
    """Violence shares, duration quantiles and derived hazards for one group of crisis actors.

    Args:
        d: The group's crisis-actor rows.
        gvar: Name of the grouping.
        gval: The group's value.
        source: Source label for the rows.

    Returns:
        Output rows (none for a statistic whose group has no non-missing observation).
    """
    out: list[dict[str, object]] = []
    shares: dict[str, tuple[int, float, float, float]] = {}
    for measure, col, test in SHARE_MEASURES:
        valid = d[d[col].notna()]
        if len(valid) == 0:
            continue
        k = int(test(valid).sum())
        est = wilson(k, len(valid))
        shares[measure] = (len(valid), *est)
        out.append(row(measure, gvar, gval, len(valid), est, "share", SHARE_NOTES[measure], source))
    dur = d["trgterra"].dropna().to_numpy(dtype=float)
    median = math.nan
    if len(dur):
        for q in (0.25, 0.5, 0.75):
            est = quantile_ci(dur, q)
            if q == 0.5:
                median = est[0]
            out.append(row(f"duration_days_p{int(q * 100)}", gvar, gval, len(dur), est, "days",
                           "TRGTERRA: days from actor's perception of trigger to termination "
                           "(trigger day = 1); order-statistic 95% interval", source))
    if len(dur) and median > 0:
        years = median / 365.0
        for measure in ("share_actor_used_violence", "share_actor_used_serious_violence",
                        "share_actor_experienced_violence"):
            if measure not in shares:
                continue
            n, p, lo, hi = shares[measure]
            est = tuple(-math.log1p(-min(x, 1 - 1e-9)) / years for x in (p, lo, hi))
            out.append(row(
                measure.replace("share_", "hazard_per_year_"), gvar, gval, n, est, "per year",
                f"DERIVED APPROXIMATION: h=-ln(1-p)/(D/365), p={measure}, D=median TRGTERRA "
                f"{median:g} days; interval from the Wilson bounds of p with D held fixed",
                SRC_DERIVED,
            ))
    return out


def crismg_rows(d: pd.DataFrame, gvar: str, gval: str, source: str) -> list[dict[str, object]]:
    """Shares of the principal crisis-management technique (CRISMG) in one group.

    Args:
        d: The group's crisis-actor rows.
        gvar: Name of the grouping.
        gval: The group's value.
        source: Source label for the rows.

    Returns:
        One row per CRISMG value.
    """
    valid = d[d["crismg"].notna()]
    n = len(valid)
    if n == 0:
        return []
    return [
        row(f"share_crismg_{code}_{label}", gvar, gval, n,
            wilson(int((valid["crismg"] == code).sum()), n), "share",
            f"CRISMG={code}: principal crisis-management technique", source)
        for code, label in CRISMG_LABELS.items()
    ]


GROUPINGS: list[tuple[str, str, str]] = [
    ("powdis_class", SRC_ICB2, "POWDIS"),
    ("dyad_nuclear", SRC_ICB2, "NUCLEAR of actor and of principal adversary (SOUTHV)"),
    ("geogrel_label", SRC_ICB12, "GEOGREL"),
    ("adversary_contiguity", SRC_CONT, "CoW direct contiguity of CRACID and SOUTHV"),
    ("cractloc_label", SRC_ICB2, "CRACTLOC"),
    ("gp_involvement", SRC_ICB2, "GPINV before 1945, POWINV after"),
    ("power_status_pair", SRC_ICB2, "POWSTA vs SOUTHPOW"),
    ("period", SRC_ICB2, "SYSTRGYR"),
    ("trigger_type", SRC_ICB2, "TRIGGR"),
    ("used_violence", SRC_ICB2, "SEVVIO>=2"),
]


def icb_table(a: pd.DataFrame) -> list[dict[str, object]]:
    """All ICB rows of the table.

    Args:
        a: Crisis-actor rows from :func:`load_actors`.

    Returns:
        Output rows.
    """
    out = group_rows(a, "all", "all", SRC_ICB2)
    out += crismg_rows(a, "all", "all", SRC_ICB2)
    for col, source, _ in GROUPINGS:
        for value, g in a[a[col] != ""].groupby(col, sort=True):
            rows = group_rows(g, col.removesuffix("_label"), str(value), source)
            if col == "used_violence":  # violence shares within a violence split are tautological
                rows = [r for r in rows if str(r["measure"]).startswith("duration")]
            out += rows
    for flag, name, note in REFERENCE_CLASSES:
        g = a[a[flag]]
        if len(g) == 0:
            continue
        rows = group_rows(g, "reference_class", name, SRC_CONT)
        rows += crismg_rows(g, "reference_class", name, SRC_CONT)
        if flag.startswith("ref_a"):
            for side, sel in (("great_power_side", g["powsta"] >= GREAT_MIN),
                              ("weaker_side", g["powsta"] < GREAT_MIN)):
                if sel.any():
                    rows += group_rows(g[sel], "reference_class", f"{name}:{side}", SRC_CONT)
        for r in rows:
            r["note"] = f"{r['note']}; class: {note}"
        out += rows
    return out


def read_table(directory: Path, name: str) -> pd.DataFrame:
    """Read one peacesciencer table, as ``NAME.rda`` or ``NAME.csv``, from a directory.

    Args:
        directory: Folder holding the table.
        name: Table name, e.g. ``cow_mid_dirdisps``.

    Returns:
        The table.

    Raises:
        InputError: Neither file exists, or the .rda cannot be read.
    """
    csv, rda = directory / f"{name}.csv", directory / f"{name}.rda"
    if csv.exists():
        try:
            return pd.read_csv(csv)
        except (OSError, ValueError) as exc:
            raise InputError(f"{csv}: cannot be read as CSV ({exc})") from exc
    if rda.exists():
        try:
            import rdata  # optional; only needed for .rda input
        except ImportError as exc:
            raise InputError(f"{rda}: reading .rda needs the 'rdata' package "
                             "(pip install rdata), or give {name}.csv instead") from exc
        with warnings.catch_warnings():  # rdata notes R classes it maps to plain data frames
            warnings.simplefilter("ignore", UserWarning)
            return next(iter(rdata.read_rda(str(rda)).values()))
    raise InputError(f"--cow-dir {directory}: neither {name}.csv nor {name}.rda found")


def is_major(code: pd.Series, year: pd.Series, majors: pd.DataFrame) -> pd.Series:
    """Whether each state was a CoW major power on 1 July of the given year.

    Args:
        code: CoW state codes.
        year: Years, aligned with ``code``.
        majors: CoW major-power table (ccode, styear, stmonth, endyear, endmonth).

    Returns:
        Boolean per row.
    """
    when = year + 0.5
    hit = pd.Series(False, index=code.index)
    for _, r in majors.iterrows():
        start = r["styear"] + (r["stmonth"] - 1) / 12
        end = r["endyear"] + r["endmonth"] / 12
        hit |= (code == r["ccode"]) & (when >= start) & (when <= end)
    return hit


def mid_table(
    dd: pd.DataFrame, cont: pd.DataFrame, majors: pd.DataFrame
) -> list[dict[str, object]]:
    """Share of bilateral MID onsets reaching a use of force, by contiguity and power status.

    Unit: the onset year of a militarized interstate dispute with exactly two participating
    states (so the participants' hostility levels are dyadic). Use of force: the higher of the two
    states' HOSTLEV is 4 (use of force) or 5 (war). Contiguity is the CoW direct-contiguity type
    in force on 1 July of the onset year (1 land; 2-5 separated by up to 12/24/150/400 miles of
    water; none otherwise). Major powers are the CoW major-power list on the same date.

    Args:
        dd: CoW-MID directed dispute-year table (peacesciencer ``cow_mid_dirdisps``).
        cont: CoW direct-contiguity table (peacesciencer ``cow_contdir``).
        majors: CoW major-power table (peacesciencer ``cow_majors``).

    Returns:
        Output rows.

    Raises:
        InputError: The dispute table lacks a column.
    """
    need = {"dispnum", "ccode1", "ccode2", "year", "disponset", "hostlev1", "hostlev2"}
    if not need <= set(dd.columns):
        raise InputError(f"cow_mid_dirdisps: missing column(s) {sorted(need - set(dd.columns))}")
    dd = dd[dd["ccode1"] < dd["ccode2"]]  # the directed table lists each pair both ways
    pairs = dd.drop_duplicates(["dispnum", "ccode1", "ccode2"])
    pairs_per_dispute = pairs.groupby("dispnum").size()
    bilateral = pairs_per_dispute[pairs_per_dispute == 1].index
    m = dd[(dd["disponset"] == 1) & dd["dispnum"].isin(bilateral)]
    m = m.sort_values("year").drop_duplicates("dispnum").copy()
    m["hostlev"] = m[["hostlev1", "hostlev2"]].max(axis=1)
    m = m[m["hostlev"] >= 1]
    m["mid_day"] = (pd.to_datetime(m["year"].astype(int).astype(str) + "-07-01")
                    - pd.Timestamp("1970-01-01")).dt.days
    ctype = contiguity_type(m, "ccode1", "ccode2", "mid_day", cont)
    m["contiguity"] = ctype.map(
        lambda t: "land" if t == 1 else ("water_up_to_400_miles" if t > 1 else "not_contiguous"))

    n_major = (is_major(m["ccode1"], m["year"], majors).astype(int)
               + is_major(m["ccode2"], m["year"], majors).astype(int))
    m["power"] = np.select([n_major == 2, n_major == 1], ["major_major", "major_minor"],
                           default="minor_minor")
    m["contiguity_power"] = m["contiguity"] + ":" + m["power"]
    m["era"] = np.where(m["year"] >= 1946, "1946-2014", "1816-1945")

    out: list[dict[str, object]] = []
    note_force = ("bilateral MID onsets; HOSTLEV 4-5 (use of force or war), higher of the two "
                  "states")
    note_war = "bilateral MID onsets; HOSTLEV 5 (war)"
    for gvar in ("all", "contiguity", "power", "contiguity_power", "era"):
        groups = [("all", m)] if gvar == "all" else list(m.groupby(gvar, sort=True))
        for value, g in groups:
            n = len(g)
            out.append(row("mid_share_use_of_force", f"mid_{gvar}", str(value), n,
                           wilson(int((g["hostlev"] >= 4).sum()), n), "share", note_force,
                           SRC_MID))
            out.append(row("mid_share_war", f"mid_{gvar}", str(value), n,
                           wilson(int((g["hostlev"] == 5).sum()), n), "share", note_war, SRC_MID))
    return out


def fmt_share(t: pd.DataFrame, measure: str, gvar: str, gval: str) -> str:
    """One share as 'value [low, high]' (percent), or an empty cell when absent."""
    r = t[(t["measure"] == measure) & (t["group_variable"] == gvar) & (t["group_value"] == gval)]
    if r.empty:
        return ""
    v = r.iloc[0]
    return f"{100 * v['value']:.0f}% [{100 * v['ci_low']:.0f}, {100 * v['ci_high']:.0f}]"


def fmt_number(t: pd.DataFrame, measure: str, gvar: str, gval: str, digits: int = 0) -> str:
    """One number as 'value [low, high]', or an empty cell when absent."""
    r = t[(t["measure"] == measure) & (t["group_variable"] == gvar) & (t["group_value"] == gval)]
    if r.empty:
        return ""
    v = r.iloc[0]
    return f"{v['value']:.{digits}f} [{v['ci_low']:.{digits}f}, {v['ci_high']:.{digits}f}]"


def markdown_tables(t: pd.DataFrame) -> str:
    """The summary tables of docs/icb.md, generated from the output table.

    Args:
        t: The output table.

    Returns:
        Markdown text.
    """
    lines = [
        "| grouping | group | n | used violence (SEVVIO≥2) | used serious violence "
        "(SEVVIO≥3) | experienced violence (VIOL≥2) | median days (TRGTERRA) | "
        "hazard of use, per year (derived) |",
        "|---|---|---:|---|---|---|---|---|",
    ]
    keys = t[t["measure"] == "duration_days_p50"][["group_variable", "group_value"]]
    keys = keys[~keys["group_variable"].str.startswith("mid_")]
    for gvar, gval in keys.itertuples(index=False):
        n_rows = t[(t["group_variable"] == gvar) & (t["group_value"] == gval)
                   & (t["measure"] == "share_actor_used_violence")]
        n = int(n_rows.iloc[0]["n"]) if len(n_rows) else int(
            t[(t["group_variable"] == gvar) & (t["group_value"] == gval)].iloc[0]["n"])
        lines.append(
            f"| {gvar} | {gval} | {n} | "
            f"{fmt_share(t, 'share_actor_used_violence', gvar, gval)} | "
            f"{fmt_share(t, 'share_actor_used_serious_violence', gvar, gval)} | "
            f"{fmt_share(t, 'share_actor_experienced_violence', gvar, gval)} | "
            f"{fmt_number(t, 'duration_days_p50', gvar, gval)} | "
            f"{fmt_number(t, 'hazard_per_year_actor_used_violence', gvar, gval, 2)} |"
        )
    crismg = t[t["measure"].str.startswith("share_crismg_")]
    groups = crismg[["group_variable", "group_value"]].drop_duplicates()
    lines += ["", "| CRISMG technique | " + " | ".join(
        f"{v} (n={int(crismg[crismg['group_value'] == v].iloc[0]['n'])})"
        for v in groups["group_value"]) + " |",
        "|---|" + "---|" * len(groups)]
    for code, label in CRISMG_LABELS.items():
        cells = [fmt_share(t, f"share_crismg_{code}_{label}", g, v)
                 for g, v in groups.itertuples(index=False)]
        lines.append(f"| {code} {label.replace('_', ' ')} | " + " | ".join(cells) + " |")
    mid = t[t["measure"] == "mid_share_use_of_force"]
    if len(mid):
        lines += ["", "| MID grouping | group | bilateral MID onsets | use of force "
                  "(HOSTLEV 4-5) | war (HOSTLEV 5) |", "|---|---|---:|---|---|"]
        for r in mid.itertuples(index=False):
            lines.append(
                f"| {r.group_variable} | {r.group_value} | {r.n} | "
                f"{fmt_share(t, 'mid_share_use_of_force', r.group_variable, r.group_value)} | "
                f"{fmt_share(t, 'mid_share_war', r.group_variable, r.group_value)} |")
    return "\n".join(lines) + "\n"


DOC_START = "<!-- generated by docs/make_icb_aggregates.py: start -->"
DOC_END = "<!-- generated by docs/make_icb_aggregates.py: end -->"


def update_doc(doc: Path, text: str) -> None:
    """Replace the generated block of a Markdown file (between the two marker lines).

    Args:
        doc: The Markdown file; it must already hold both markers.
        text: New content of the block.

    Raises:
        InputError: The file or a marker is missing.
    """
    try:
        old = doc.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"--doc {doc}: cannot be read ({exc})") from exc
    if DOC_START not in old or DOC_END not in old:
        raise InputError(f"--doc {doc}: the markers {DOC_START!r} and {DOC_END!r} are missing")
    head, rest = old.split(DOC_START, 1)
    _, tail = rest.split(DOC_END, 1)
    doc.write_text(f"{head}{DOC_START}\n{text}{DOC_END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        Process exit code: 0 on success, 2 on bad input.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--icb2", type=Path, required=True, help="path of icb2v14.csv")
    parser.add_argument("--icb1", type=Path, required=True, help="path of icb1v14.csv")
    parser.add_argument("--cow-dir", type=Path,
                        help="folder with cow_contdir, cow_mid_dirdisps, cow_majors (optional)")
    parser.add_argument("--holdout", default="", help="comma-separated ICB CRISNO to leave out")
    parser.add_argument("--doc", type=Path,
                        help="Markdown file whose generated block gets the summary tables")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1]
                        / "src" / "escalation_sim" / "data" / "icb_aggregates.csv")
    args = parser.parse_args(argv)
    try:
        try:
            holdout = {int(x) for x in args.holdout.split(",") if x.strip()}
        except ValueError as exc:
            raise InputError(f"--holdout: {args.holdout!r} is not a comma-separated list of "
                             "crisis numbers") from exc
        cow = None
        if args.cow_dir is not None:
            cow = {name: read_table(args.cow_dir, name)
                   for name in ("cow_contdir", "cow_mid_dirdisps", "cow_majors")}
        actors = load_actors(args.icb2, args.icb1, holdout,
                             None if cow is None else cow["cow_contdir"])
        rows = icb_table(actors)
        if cow is not None:
            rows += mid_table(cow["cow_mid_dirdisps"], cow["cow_contdir"], cow["cow_majors"])
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    table = pd.DataFrame(rows, columns=COLUMNS)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False, float_format="%.6g", lineterminator="\n")
    if args.doc is not None:
        try:
            update_doc(args.doc, markdown_tables(pd.read_csv(args.out, keep_default_na=False)))
        except InputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    print(f"wrote {len(table)} rows to {args.out} "
          f"({len(actors)} crisis actors in {actors['crisno'].nunique()} crises; "
          f"{len(holdout)} crises held out; adversary nuclear status: "
          f"{actors['adv_nuclear_source'].value_counts().to_dict()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
