"""The inputs of the learning analysis (notebook ``05_learning``): contracts and readers.

Every input registers an :class:`~assurance_lib.readers.InputContract` at import. The columns:

``reviews_register`` (``reviews_path``)
    ``review_id, kind, title, published, themes, agencies``: rapid reviews, practice reviews,
    national panel reports, inspections, audits, Section 11 cycles, the schools audit.
``review_recommendations`` (``recommendations_path``)
    ``recommendation_id, review_id, text, themes, owner_agency``: each review's recommendations
    (an audit's or Section 11 cycle's findings too).
``action_ledger`` (``ledger_path``)
    ``action_id, source, source_ref, themes, owner_agency, owner_role, action, created, due,
    completed, impact, impact_evidence, impact_date, impact_note``: the partnership's one ledger.
    ``source_ref`` is a recommendation id (sources review, audit, section11, schools) or a voice
    theme (source voice). No status column: status is derived from the dates.
``voice_activities`` (``activities_path``), ``voice_register`` (``voice_path``),
``complaints_compliments`` (``complaints_path``), ``scrutineer_visits`` (``visits_path``),
``survey_headcounts`` (``headcounts_path``), ``practitioner_survey`` (``survey_path``, read by the
Section 11 survey's registered contract), ``training_evaluation`` (``training_path``).

The vocabularies (review kinds, impact scale, indicators, voice themes and their audiences) are
in ``framework_path`` (``data/frameworks/learning.yaml``), the survey's questions in
``survey_questions_path`` and the priority themes in ``priorities_path``.
Every problem names the file, row, column and value; free text is never shown in a message.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..config import resolve_path
from ..core_dataset.catalogue import load_catalogue
from ..dates import parse_dates
from ..errors import InputError, Problem
from ..readers import (
    ROW_COLUMN,
    SHEET_COLUMN,
    InputContract,
    contract,
    display_path,
    duplicate_problems,
    read_table,
    register,
    require_columns,
    row_problems,
)

__all__ = [
    "NOTEBOOK",
    "Framework",
    "load_framework",
    "load_priorities",
    "load_questions",
    "read_reviews",
    "read_recommendations",
    "read_ledger",
    "read_activities",
    "read_voice",
    "read_complaints",
    "read_visits",
    "read_headcounts",
    "read_survey",
    "read_training",
    "read_agencies",
    "REVIEWS_COLUMNS",
    "RECOMMENDATIONS_COLUMNS",
    "LEDGER_COLUMNS",
    "STAR_COLUMNS",
]

NOTEBOOK = "05_learning"

REVIEWS_COLUMNS = ("review_id", "kind", "title", "published", "themes", "agencies")
RECOMMENDATIONS_COLUMNS = ("recommendation_id", "review_id", "text", "themes", "owner_agency")
LEDGER_COLUMNS = (
    "action_id",
    "source",
    "source_ref",
    "themes",
    "owner_agency",
    "owner_role",
    "action",
    "created",
    "due",
    "completed",
    "impact",
    "impact_evidence",
    "impact_date",
    "impact_note",
)
ACTIVITIES_COLUMNS = ("activity_id", "activity", "kind", "audience", "held", "participants", "voice_themes")
VOICE_COLUMNS = ("voice_id", "activity_id", "date", "voice_theme", "speaker", "quote", "consent")
COMPLAINTS_COLUMNS = ("received", "agency", "kind", "voice_theme", "outcome")
STAR_COLUMNS = ("stars_welcome", "stars_listening", "stars_information", "stars_safety")
VISITS_COLUMNS = (
    "visit_id",
    "visited",
    "agency",
    "service",
    "visited_by",
    *STAR_COLUMNS,
    "went_well",
    "even_better_if",
    "agency_response",
    "response_date",
)
HEADCOUNT_COLUMNS = ("agency", "headcount")
TRAINING_COLUMNS = (
    "course",
    "delivered",
    "themes",
    "agency",
    "confidence_before",
    "confidence_after",
    "confidence_followup",
)
SPEAKERS = {
    "children in care": ("child", "young person"),
    "pupils": ("child", "young person"),
    "young people": ("young person",),
    "children with a social worker": ("child", "young person"),
    "parents and carers": ("parent", "carer"),
    "practitioners": ("practitioner",),
}
"""Who can speak at an activity of each audience (the voice register's ``speaker``)."""
COMPLAINT_KINDS = ("complaint", "compliment")
COMPLAINT_OUTCOMES = ("upheld", "partly upheld", "not upheld")
VISITORS = ("young scrutineers", "independent scrutineer", "partnership leads")


# --------------------------------------------------------------------------- vocabularies
@dataclass(frozen=True, slots=True, kw_only=True)
class Framework:
    """``data/frameworks/learning.yaml``: the vocabularies of the learning analysis.

    Attributes
    ----------
    review_kinds : mapping of kind to (label, ledger source)
    impact_grades : tuple of str
        Lowest first: none yet, output delivered, practice change, outcome for children.
    indicators : mapping of indicator id to title
        Indicators that can evidence an outcome for children: ids of the core dataset's catalogue
        (``indicator_catalogue``), with the catalogue's titles.
    owners : tuple of str
        Owners of actions besides the agencies (the partnership itself).
    voice_themes : mapping of code to (title, priority themes, audiences)
    """

    file: str
    review_kinds: Mapping[str, tuple[str, str]]
    impact_grades: tuple[str, ...]
    indicators: Mapping[str, str]
    owners: tuple[str, ...]
    voice_themes: Mapping[str, tuple[str, tuple[str, ...], tuple[str, ...]]]

    @property
    def sources(self) -> tuple[str, ...]:
        """The ledger's sources: every review kind's source, then voice."""
        out = list(dict.fromkeys(s for _, s in self.review_kinds.values()))
        return (*out, "voice")


def _yaml(path: Path | str) -> tuple[str, Any]:
    p = Path(path)
    shown = display_path(p)
    try:
        return shown, yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(Problem(file=shown, message=f"could not be read as YAML ({type(exc).__name__})")) from None


@functools.lru_cache(maxsize=8)
def _framework(path: str, mtime: float) -> Framework:
    shown, raw = _yaml(path)
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise InputError(Problem(file=shown, message="expected a mapping at the top level"))
    for key in ("review_kinds", "voice_themes"):
        if not isinstance(raw.get(key), dict) or not raw.get(key):
            problems.append(Problem(file=shown, key=key, message="missing or empty", expected="a mapping"))
    outcome_ids = raw.get("outcome_indicators")
    if not isinstance(outcome_ids, list) or not outcome_ids:
        problems.append(
            Problem(
                file=shown,
                key="outcome_indicators",
                message="is missing or empty" if not outcome_ids else "is not a list",
                expected="a list of indicator ids of the core dataset's catalogue",
            )
        )
    catalogue_name = raw.get("indicator_catalogue")
    if not isinstance(catalogue_name, str) or not catalogue_name.strip():
        problems.append(
            Problem(
                file=shown,
                key="indicator_catalogue",
                value=catalogue_name,
                expected="the path of the core dataset's indicator catalogue (data/frameworks/core_indicators.yaml)",
            )
        )
    grades = raw.get("impact_grades")
    if not isinstance(grades, list) or len(grades) != 4:
        problems.append(Problem(file=shown, key="impact_grades", expected="a list of the four impact grades"))
    if problems:
        raise InputError(problems)
    kinds: dict[str, tuple[str, str]] = {}
    for k, v in raw["review_kinds"].items():
        if (
            not isinstance(v, dict)
            or not v.get("label")
            or v.get("source") not in ("review", "audit", "section11", "schools")
        ):
            problems.append(
                Problem(
                    file=shown, key=f"review_kinds.{k}", expected="label and source (review, audit, section11, schools)"
                )
            )
            continue
        kinds[str(k)] = (str(v["label"]), str(v["source"]))
    themes: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {}
    for k, v in raw["voice_themes"].items():
        if not isinstance(v, dict) or not v.get("title") or not v.get("audiences"):
            problems.append(Problem(file=shown, key=f"voice_themes.{k}", expected="title, themes and audiences"))
            continue
        bad = [a for a in v["audiences"] if a not in SPEAKERS]
        if bad:
            problems.append(
                Problem(
                    file=shown,
                    key=f"voice_themes.{k}.audiences",
                    value=", ".join(map(str, bad)),
                    expected=f"audiences from: {', '.join(SPEAKERS)}",
                )
            )
        themes[str(k)] = (str(v["title"]), tuple(map(str, v.get("themes") or ())), tuple(map(str, v["audiences"])))
    indicators = _outcome_indicators(shown, str(raw["indicator_catalogue"]), outcome_ids, problems)
    if problems:
        raise InputError(problems)
    return Framework(
        file=shown,
        review_kinds=kinds,
        impact_grades=tuple(map(str, grades)),
        indicators=indicators,
        owners=tuple(map(str, raw.get("partnership_owners") or ())),
        voice_themes=themes,
    )


def _outcome_indicators(shown: str, catalogue_name: str, ids: list[Any], problems: list[Problem]) -> dict[str, str]:
    """The outcome indicators' ids checked against the core dataset's catalogue: id -> the catalogue's title.

    The catalogue is the one notebook 04 reports (``indicator_catalogue``, a path relative to the
    project root like every path of the workbench), so an outcome is evidenced by an indicator the
    board sees in the core dataset, under the same id and title. An id not in the catalogue is a
    problem naming the file, the key and the value; so is a catalogue that does not exist.
    """
    where = resolve_path(catalogue_name)
    if not where.is_file():
        problems.append(
            Problem(
                file=shown,
                key="indicator_catalogue",
                value=catalogue_name,
                message="does not exist",
                expected="the core dataset's indicator catalogue (data/frameworks/core_indicators.yaml)",
            )
        )
        return {}
    try:
        catalogue = load_catalogue(where)
    except InputError as exc:
        problems.extend(exc.problems)
        return {}
    titles = {i.id: i.title for i in catalogue.indicators}
    out: dict[str, str] = {}
    for v in ids:
        if str(v) in titles:
            out[str(v)] = titles[str(v)]
        else:
            problems.append(
                Problem(
                    file=shown,
                    key="outcome_indicators",
                    value=str(v),
                    expected=f"an indicator id of {catalogue_name} (one of: {', '.join(titles)})",
                )
            )
    return out


def load_framework(path: Path | str) -> Framework:
    """Read and check the learning framework YAML (cached by path and modification time)."""
    p = Path(path)
    if not p.exists():
        raise InputError(Problem(file=display_path(p), message="does not exist"))
    return _framework(str(p), p.stat().st_mtime)


def load_priorities(path: Path | str) -> dict[str, str]:
    """The partnership's priority themes: id -> title (``data/frameworks/priorities.yaml``)."""
    shown, raw = _yaml(path)
    pr = raw.get("priorities") if isinstance(raw, dict) else None
    if not isinstance(pr, dict) or not pr:
        raise InputError(Problem(file=shown, key="priorities", expected="a mapping of theme id to title"))
    return {str(k): str((v or {}).get("title", k)) for k, v in pr.items()}


def load_questions(path: Path | str) -> pd.DataFrame:
    """The practitioner survey's question bank: ``question_id, text, scale, standard, themes``."""
    shown, raw = _yaml(path)
    qs = raw.get("questions") if isinstance(raw, dict) else None
    if not isinstance(qs, dict) or not qs:
        raise InputError(Problem(file=shown, key="questions", expected="a mapping of question id to its text"))
    rows, problems = [], []
    for q, v in qs.items():
        if not isinstance(v, dict) or not v.get("text") or not v.get("scale"):
            problems.append(Problem(file=shown, key=f"questions.{q}", expected="text, scale, standard and themes"))
            continue
        rows.append(
            {
                "question_id": str(q),
                "text": str(v["text"]),
                "scale": str(v["scale"]),
                "standard": str(v.get("standard") or ""),
                "themes": ";".join(map(str, v.get("themes") or ())),
            }
        )
    if problems:
        raise InputError(problems)
    return pd.DataFrame(rows).astype("string")


# --------------------------------------------------------------------------- helpers
def _path(params: Mapping[str, Any] | None, key: str) -> Path | None:
    v = (params or {}).get(key)
    return resolve_path(str(v)) if v else None


def _fw(params: Mapping[str, Any] | None, file: str) -> Framework:
    p = _path(params, "framework_path")
    if p is None:
        raise InputError(Problem(file=file, message="cannot be checked: framework_path is not given"))
    return load_framework(p)


def _priorities(params: Mapping[str, Any] | None, file: str) -> dict[str, str]:
    p = _path(params, "priorities_path")
    if p is None:
        raise InputError(Problem(file=file, message="cannot be checked: priorities_path is not given"))
    return load_priorities(p)


def _dates(df: pd.DataFrame, col: str, file: str, problems: list[Problem], *, required: bool) -> pd.Series:
    return parse_dates(
        df[col],
        file=file,
        column=col,
        rows=df[ROW_COLUMN] if ROW_COLUMN in df.columns else None,
        sheets=df[SHEET_COLUMN] if SHEET_COLUMN in df.columns else None,
        required=required,
        problems=problems,
    )


def _start(path: Path | str, columns: tuple[str, ...]) -> tuple[pd.DataFrame, str]:
    file = display_path(path)
    df = read_table(path)
    problems = require_columns(df, columns, file)
    if problems:
        raise InputError(problems)
    for c in columns:
        df[c] = df[c].astype("string").str.strip().replace("", pd.NA)
    return df, file


def _empty(df: pd.DataFrame, cols: tuple[str, ...], file: str, hide: tuple[str, ...] = ()) -> list[Problem]:
    out: list[Problem] = []
    for c in cols:
        out += row_problems(df, df[c].isna(), file, c, "a value", show_value=c not in hide)
    return out


def _theme_problems(df: pd.DataFrame, col: str, file: str, ids: Mapping[str, str], *, required: bool) -> list[Problem]:
    def bad(v: Any) -> bool:
        if pd.isna(v):
            return required
        parts = [p.strip() for p in str(v).split(";")]
        return any(p not in ids for p in parts)

    mask = df[col].map(bad).astype(bool)
    return row_problems(df, mask, file, col, f"priority theme ids separated by ';' ({', '.join(ids)})")


def _whole(df: pd.DataFrame, col: str, file: str, lo: int, hi: int | None, problems: list[Problem]) -> pd.Series:
    num = pd.to_numeric(df[col], errors="coerce")
    ok = num.notna() & (num == num.round()) & (num >= lo) & ((num <= hi) if hi is not None else True)
    expected = f"a whole number from {lo} to {hi}" if hi is not None else f"a whole number, {lo} or more"
    problems += row_problems(df, df[col].notna() & ~ok, file, col, expected)
    return num.where(ok).astype("Int64")


# --------------------------------------------------------------------------- readers
def read_reviews(path: Path | str, params: Mapping[str, Any]) -> pd.DataFrame:
    """Read and check the reviews register (one row per review, inspection, audit or cycle).

    Checks: columns present; ids unique; ``kind`` a kind of the framework; ``published`` a date;
    ``themes`` priority theme ids.
    """
    df, file = _start(path, REVIEWS_COLUMNS)
    fw = _fw(params, file)
    pr = _priorities(params, file)
    problems = _empty(df, ("review_id", "kind", "title", "published", "themes"), file)
    problems += duplicate_problems(df, ["review_id"], file)
    problems += row_problems(
        df,
        df["kind"].notna() & ~df["kind"].isin(list(fw.review_kinds)),
        file,
        "kind",
        f"one of: {', '.join(fw.review_kinds)}",
    )
    published = _dates(df, "published", file, problems, required=False)
    problems += _theme_problems(df, "themes", file, pr, required=False)
    if problems:
        raise InputError(problems)
    out = df[[ROW_COLUMN, *REVIEWS_COLUMNS]].copy()
    out["published"] = published
    out["source"] = out["kind"].map(lambda k: fw.review_kinds[k][1]).astype("string")
    out["kind_label"] = out["kind"].map(lambda k: fw.review_kinds[k][0]).astype("string")
    return out.reset_index(drop=True)


def read_recommendations(path: Path | str, params: Mapping[str, Any]) -> pd.DataFrame:
    """Read and check the recommendations (and findings) of the reviews register.

    Checks: columns present; ids unique; ``review_id`` in the reviews register; themes; an owner.
    The recommendation's text is never shown in a message.
    """
    df, file = _start(path, RECOMMENDATIONS_COLUMNS)
    pr = _priorities(params, file)
    problems = _empty(df, RECOMMENDATIONS_COLUMNS, file, hide=("text",))
    problems += duplicate_problems(df, ["recommendation_id"], file)
    problems += _theme_problems(df, "themes", file, pr, required=False)
    reviews = _try(read_reviews, params, "reviews_path")
    if reviews is not None:
        problems += row_problems(
            df,
            df["review_id"].notna() & ~df["review_id"].isin(set(reviews["review_id"])),
            file,
            "review_id",
            "a review_id of the reviews register",
        )
    if problems:
        raise InputError(problems)
    return df[[ROW_COLUMN, *RECOMMENDATIONS_COLUMNS]].reset_index(drop=True)


def _try(reader: Any, params: Mapping[str, Any], key: str) -> pd.DataFrame | None:
    """Another input of the notebook, for cross-checks; ``None`` when not given or with problems of its own."""
    p = _path(params, key)
    if p is None or not p.exists():
        return None
    try:
        return reader(p, params)
    except InputError:
        return None


def read_ledger(path: Path | str, params: Mapping[str, Any]) -> pd.DataFrame:
    """Read and check the action ledger.

    Checks, each naming the row and column:

    - columns present, ids unique, ``source`` one of the framework's sources;
    - ``source_ref`` a recommendation of ``recommendations_path`` whose review's kind leads to
      this source (an audit's finding has source ``audit``), or a voice theme for source ``voice``;
    - ``created`` and ``due`` dates, due not before created; ``completed`` empty or a date not
      before created;
    - ``impact`` a grade of the scale; above ``none yet`` only for a completed action; ``practice
      change`` names in ``impact_evidence`` an audit of the reviews register dated on or after the
      completion (the re-audit that shows it); ``outcome for children`` names an indicator of the
      framework and the ``impact_date`` it was seen (on or after the completion); ``impact_note``
      (what changed for children) required for both.

    There is no status column: the status is derived from the dates (:func:`.compute.derive_status`).
    """
    df, file = _start(path, LEDGER_COLUMNS)
    fw = _fw(params, file)
    pr = _priorities(params, file)
    problems = _empty(
        df, ("action_id", "source", "source_ref", "owner_agency", "action", "created", "due"), file, hide=("action",)
    )
    problems += duplicate_problems(df, ["action_id"], file)
    problems += row_problems(
        df,
        df["source"].notna() & ~df["source"].isin(list(fw.sources)),
        file,
        "source",
        f"one of: {', '.join(fw.sources)}",
    )
    problems += _theme_problems(df, "themes", file, pr, required=True)
    impact = df["impact"].fillna(fw.impact_grades[0])
    problems += row_problems(
        df, ~impact.isin(list(fw.impact_grades)), file, "impact", f"one of: {', '.join(fw.impact_grades)}"
    )
    created = _dates(df, "created", file, problems, required=False)
    due = _dates(df, "due", file, problems, required=False)
    completed = _dates(df, "completed", file, problems, required=False)
    impact_date = _dates(df, "impact_date", file, problems, required=False)
    problems += row_problems(
        df, due < created, file, "due", "a date on or after created", message="is before the action was created"
    )
    problems += row_problems(
        df,
        completed < created,
        file,
        "completed",
        "a date on or after created",
        message="is before the action was created",
    )
    # source_ref: a recommendation of the right kind, or a voice theme
    recs = _try(read_recommendations, params, "recommendations_path")
    reviews = _try(read_reviews, params, "reviews_path")
    is_voice = df["source"].eq("voice").fillna(False)
    problems += row_problems(
        df,
        is_voice & df["source_ref"].notna() & ~df["source_ref"].isin(list(fw.voice_themes)),
        file,
        "source_ref",
        f"a voice theme of {fw.file} (source is voice)",
    )
    audit_dates: dict[str, pd.Timestamp] = {}
    if recs is not None and reviews is not None:
        src_of = dict(zip(reviews["review_id"], reviews["source"]))
        rec_source = {r: src_of.get(v) for r, v in zip(recs["recommendation_id"], recs["review_id"])}
        known = ~is_voice & df["source"].isin(list(fw.sources))
        problems += row_problems(
            df,
            known & df["source_ref"].notna() & ~df["source_ref"].isin(list(rec_source)),
            file,
            "source_ref",
            "a recommendation_id of the recommendations file",
        )
        wrong = known & df["source_ref"].isin(list(rec_source)) & (df["source_ref"].map(rec_source) != df["source"])
        problems += row_problems(
            df, wrong, file, "source", "the source of the recommendation's review (review, audit, section11 or schools)"
        )
        audits = reviews[reviews["kind"].eq("audit")]
        audit_dates = dict(zip(audits["review_id"], audits["published"]))
    # impact: graded above "none yet" only when completed, and evidenced above "output delivered"
    g = fw.impact_grades
    above_none = impact.isin(g[1:])
    problems += row_problems(
        df, above_none & completed.isna(), file, "impact", f"'{g[0]}' for an action not completed (no completed date)"
    )
    practice = impact.eq(g[2])
    outcome = impact.eq(g[3])
    ev = df["impact_evidence"]
    if reviews is not None:
        ev_date = ev.map(audit_dates)
        problems += row_problems(
            df,
            practice & ~ev.isin(list(audit_dates)),
            file,
            "impact_evidence",
            "the review_id of the re-audit that shows the practice change (an audit of the reviews register)",
        )
        problems += row_problems(
            df,
            practice & ev.isin(list(audit_dates)) & (pd.to_datetime(ev_date) < completed),
            file,
            "impact_evidence",
            "an audit dated on or after the action was completed",
            message="is an audit dated before the action was completed",
        )
    problems += row_problems(
        df,
        outcome & ~ev.isin(list(fw.indicators)),
        file,
        "impact_evidence",
        f"the indicator that shows the outcome (one of: {', '.join(fw.indicators)})",
    )
    problems += row_problems(
        df, outcome & impact_date.isna(), file, "impact_date", "the date the indicator showed the outcome"
    )
    problems += row_problems(
        df,
        outcome & (impact_date < completed),
        file,
        "impact_date",
        "a date on or after the action was completed",
        message="is before the action was completed",
    )
    problems += row_problems(
        df,
        (practice | outcome) & df["impact_note"].isna(),
        file,
        "impact_note",
        "what changed for children (required for practice change and outcome for children)",
    )
    if problems:
        raise InputError(problems)
    out = df[[ROW_COLUMN, *LEDGER_COLUMNS]].copy()
    out["impact"] = impact.astype("string")
    out["created"], out["due"], out["completed"], out["impact_date"] = created, due, completed, impact_date
    out["evidence_date"] = pd.to_datetime(ev.map(audit_dates)).where(practice, impact_date.where(outcome))
    return out.reset_index(drop=True)


def read_activities(path: Path | str, params: Mapping[str, Any]) -> pd.DataFrame:
    """Read and check the feedback activities: audience known; themes voice themes that fit the audience."""
    df, file = _start(path, ACTIVITIES_COLUMNS)
    fw = _fw(params, file)
    problems = _empty(df, ACTIVITIES_COLUMNS, file)
    problems += duplicate_problems(df, ["activity_id"], file)
    problems += row_problems(
        df,
        df["audience"].notna() & ~df["audience"].isin(list(SPEAKERS)),
        file,
        "audience",
        f"one of: {', '.join(SPEAKERS)}",
    )
    held = _dates(df, "held", file, problems, required=False)
    participants = _whole(df, "participants", file, 1, None, problems)

    def unfit(row: pd.Series) -> bool:
        if pd.isna(row["voice_themes"]) or pd.isna(row["audience"]):
            return False
        for t in str(row["voice_themes"]).split(";"):
            t = t.strip()
            if t not in fw.voice_themes or row["audience"] not in fw.voice_themes[t][2]:
                return True
        return False

    mask = df.apply(unfit, axis=1).astype(bool) if len(df) else pd.Series(False, index=df.index)
    problems += row_problems(
        df, mask, file, "voice_themes", f"voice themes of {fw.file} whose audiences include the activity's audience"
    )
    if problems:
        raise InputError(problems)
    out = df[[ROW_COLUMN, *ACTIVITIES_COLUMNS]].copy()
    out["held"], out["participants"] = held, participants
    return out.reset_index(drop=True)


def read_voice(path: Path | str, params: Mapping[str, Any]) -> pd.DataFrame:
    """Read and check the voice register: activity known, theme fits its audience, speaker fits it, consent yes/no.

    The quote is never shown in a message.
    """
    df, file = _start(path, VOICE_COLUMNS)
    fw = _fw(params, file)
    problems = _empty(df, VOICE_COLUMNS, file, hide=("quote",))
    problems += duplicate_problems(df, ["voice_id"], file)
    date = _dates(df, "date", file, problems, required=False)
    consent = df["consent"].str.lower()
    problems += row_problems(df, df["consent"].notna() & ~consent.isin(["yes", "no"]), file, "consent", "yes or no")
    problems += row_problems(
        df,
        df["voice_theme"].notna() & ~df["voice_theme"].isin(list(fw.voice_themes)),
        file,
        "voice_theme",
        f"a voice theme of {fw.file}",
    )
    acts = _try(read_activities, params, "activities_path")
    audience = pd.Series(pd.NA, index=df.index, dtype="string")
    if acts is not None:
        aud = dict(zip(acts["activity_id"], acts["audience"]))
        problems += row_problems(
            df,
            df["activity_id"].notna() & ~df["activity_id"].isin(list(aud)),
            file,
            "activity_id",
            "an activity_id of the activities file",
        )
        audience = df["activity_id"].map(aud).astype("string")
        theme_unfit = [
            pd.notna(a) and t in fw.voice_themes and a not in fw.voice_themes[t][2]
            for t, a in zip(df["voice_theme"], audience)
        ]
        problems += row_problems(
            df,
            pd.Series(theme_unfit, index=df.index),
            file,
            "voice_theme",
            "a theme whose audiences include the activity's audience",
        )
        speaker_unfit = [
            pd.notna(a) and pd.notna(s) and s not in SPEAKERS.get(a, ()) for s, a in zip(df["speaker"], audience)
        ]
        problems += row_problems(
            df,
            pd.Series(speaker_unfit, index=df.index),
            file,
            "speaker",
            "a speaker who fits the activity's audience (e.g. child or young person for pupils)",
        )
    if problems:
        raise InputError(problems)
    out = df[[ROW_COLUMN, *VOICE_COLUMNS]].copy()
    out["date"], out["consent"], out["audience"] = date, consent.eq("yes"), audience
    return out.reset_index(drop=True)


def read_complaints(path: Path | str, params: Mapping[str, Any]) -> pd.DataFrame:
    """Read and check complaints and compliments: one row each (date received, agency, kind, voice theme, outcome)."""
    df, file = _start(path, COMPLAINTS_COLUMNS)
    fw = _fw(params, file)
    problems = _empty(df, ("received", "agency", "kind", "voice_theme"), file)
    received = _dates(df, "received", file, problems, required=False)
    problems += row_problems(
        df, df["kind"].notna() & ~df["kind"].isin(COMPLAINT_KINDS), file, "kind", "complaint or compliment"
    )
    problems += row_problems(
        df,
        df["voice_theme"].notna() & ~df["voice_theme"].isin(list(fw.voice_themes)),
        file,
        "voice_theme",
        f"a voice theme of {fw.file}",
    )
    problems += row_problems(
        df,
        df["kind"].eq("complaint").fillna(False) & ~df["outcome"].isin(COMPLAINT_OUTCOMES),
        file,
        "outcome",
        f"for a complaint one of: {', '.join(COMPLAINT_OUTCOMES)}",
    )
    problems += row_problems(
        df, df["kind"].eq("compliment").fillna(False) & df["outcome"].notna(), file, "outcome", "empty for a compliment"
    )
    if problems:
        raise InputError(problems)
    out = df[[ROW_COLUMN, *COMPLAINTS_COLUMNS]].copy()
    out["received"] = received
    return out.reset_index(drop=True)


def read_visits(path: Path | str, params: Mapping[str, Any]) -> pd.DataFrame:
    """Read and check young scrutineer and assurance visits (pro-forma fields, star ratings 1 to 5, agency responses)."""
    df, file = _start(path, VISITS_COLUMNS)
    problems = _empty(
        df,
        ("visit_id", "visited", "agency", "service", "visited_by", "went_well", "even_better_if"),
        file,
        hide=("went_well", "even_better_if"),
    )
    problems += duplicate_problems(df, ["visit_id"], file)
    problems += row_problems(
        df,
        df["visited_by"].notna() & ~df["visited_by"].isin(VISITORS),
        file,
        "visited_by",
        f"one of: {', '.join(VISITORS)}",
    )
    visited = _dates(df, "visited", file, problems, required=False)
    responded = _dates(df, "response_date", file, problems, required=False)
    stars = {c: _whole(df, c, file, 1, 5, problems) for c in STAR_COLUMNS}
    problems += row_problems(
        df,
        df["agency_response"].notna() & df["response_date"].isna(),
        file,
        "response_date",
        "the date the agency responded",
    )
    problems += row_problems(
        df, responded < visited, file, "response_date", "a date on or after the visit", message="is before the visit"
    )
    if problems:
        raise InputError(problems)
    out = df[[ROW_COLUMN, *VISITS_COLUMNS]].copy()
    out["visited"], out["response_date"] = visited, responded
    for c, s in stars.items():
        out[c] = s
    return out.reset_index(drop=True)


def read_headcounts(path: Path | str, params: Mapping[str, Any]) -> pd.DataFrame:
    """Read and check the staff in scope of the practitioner survey by agency (``agency, headcount``)."""
    df, file = _start(path, HEADCOUNT_COLUMNS)
    problems = _empty(df, HEADCOUNT_COLUMNS, file)
    problems += duplicate_problems(df, ["agency"], file)
    head = _whole(df, "headcount", file, 1, None, problems)
    if problems:
        raise InputError(problems)
    out = df[[ROW_COLUMN, *HEADCOUNT_COLUMNS]].copy()
    out["headcount"] = head
    return out.reset_index(drop=True)


def read_survey(path: Path | str, params: Mapping[str, Any]) -> pd.DataFrame:
    """Read the practitioner survey with the Section 11 survey's registered contract, then check its questions.

    Every ``question_id`` must be in the question bank (``survey_questions_path``).
    """
    file = display_path(path)
    df = contract("section11_practitioner_survey").read(path, {})
    qp = _path(params, "survey_questions_path")
    if qp is None:
        raise InputError(Problem(file=file, message="cannot be checked: survey_questions_path is not given"))
    bank = load_questions(qp)
    problems = row_problems(
        df,
        ~df["question_id"].isin(list(bank["question_id"])),
        file,
        "question_id",
        f"a question of the question bank {display_path(qp)}",
    )
    if problems:
        raise InputError(problems)
    return df


def read_training(path: Path | str, params: Mapping[str, Any]) -> pd.DataFrame:
    """Read and check the training evaluation: one row per attendee; confidence 1 to 5 before, after and at follow-up."""
    df, file = _start(path, TRAINING_COLUMNS)
    pr = _priorities(params, file)
    problems = _empty(df, ("course", "delivered", "agency", "confidence_before", "confidence_after"), file)
    delivered = _dates(df, "delivered", file, problems, required=False)
    problems += _theme_problems(df, "themes", file, pr, required=False)
    conf = {c: _whole(df, c, file, 1, 5, problems) for c in TRAINING_COLUMNS[-3:]}
    if problems:
        raise InputError(problems)
    out = df[[ROW_COLUMN, *TRAINING_COLUMNS]].copy()
    out["delivered"] = delivered
    for c, s in conf.items():
        out[c] = s
    return out.reset_index(drop=True)


def read_agencies(path: Path | str, params: Mapping[str, Any]) -> pd.DataFrame:
    """The agency register, read by the Section 11 register's registered contract (for ``statutory_partner``)."""
    return contract("section11_register").read(path, {})


def _framework_input(path: Path | str, params: Mapping[str, Any]) -> pd.DataFrame:
    fw = load_framework(path)
    return pd.DataFrame({"kind": list(fw.review_kinds)})


def _questions_input(path: Path | str, params: Mapping[str, Any]) -> pd.DataFrame:
    return load_questions(path)


for _name, _param, _read, _optional, _desc, _ids in (
    ("learning_framework", "framework_path", _framework_input, False, "learning vocabularies (YAML)", ()),
    ("reviews_register", "reviews_path", read_reviews, False, "reviews, inspections, audits and cycles", ()),
    ("review_recommendations", "recommendations_path", read_recommendations, False, "their recommendations", ()),
    ("action_ledger", "ledger_path", read_ledger, False, "the partnership's one action ledger", ()),
    ("voice_activities", "activities_path", read_activities, True, "feedback activities and audiences", ()),
    ("voice_register", "voice_path", read_voice, True, "what children, families and staff said", ()),
    ("complaints_compliments", "complaints_path", read_complaints, True, "complaints and compliments", ()),
    ("scrutineer_visits", "visits_path", read_visits, True, "young scrutineer and assurance visits", ()),
    ("survey_questions", "survey_questions_path", _questions_input, True, "practitioner survey question bank", ()),
    ("survey_headcounts", "headcounts_path", read_headcounts, True, "staff in scope of the survey by agency", ()),
    ("learning_practitioner_survey", "survey_path", read_survey, True, "practitioner survey answers", ("respondent",)),
    ("training_evaluation", "training_path", read_training, True, "training evaluation by attendee", ()),
    ("learning_agencies", "agencies_path", read_agencies, True, "agency register (statutory partners)", ()),
):
    register(
        InputContract(
            name=_name,
            notebook=NOTEBOOK,
            parameter=_param,
            read=_read,
            optional=_optional,
            description=_desc,
            identifier_columns=_ids,
        )
    )
