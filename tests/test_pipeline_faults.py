"""Faults around the packs of a period (issue 14): a hostile LATEST, partial packs left by a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from assurance_lib import pipeline

import pipeline_contracts  # noqa: F401  (registers the demo input contract)
from conftest import DEMO_NOTEBOOKS, write_params

GOOD = "20260701T090000Z"


@pytest.fixture
def period(tmp_path: Path) -> Path:
    """outputs/2026-27-Q1 with one good pack, and a folder outside outputs/ that LATEST must not reach."""
    p = tmp_path / "outputs" / "2026-27-Q1"
    (p / GOOD / "shareable").mkdir(parents=True)
    (tmp_path / "etc").mkdir()
    return p


def test_latest_naming_a_good_pack_is_followed(period: Path) -> None:
    (period / "LATEST").write_text(GOOD + "\n")
    assert pipeline.read_latest(period) == period / GOOD
    (period / "LATEST").write_text(f"{GOOD}-2")  # a suffixed id is a run id too, but this pack is not there
    assert pipeline.read_latest(period) is None


@pytest.mark.parametrize(
    "content",
    [
        "../../etc",  # climbs out of the period folder and outputs/
        "../../etc\n",
        "/etc",  # an absolute path
        "",  # empty
        f"{GOOD}/../../../etc",  # starts like a run id
        f"../2026-27-Q1/{GOOD}",  # resolves to the good pack, but is not a run id
        f" {GOOD} extra",
        "2026070T090000Z",  # one digit short
        GOOD * 10,  # long
    ],
)
def test_latest_that_is_not_a_run_id_is_refused(period: Path, content: str) -> None:
    (period / "LATEST").write_text(content)
    assert pipeline.read_latest(period) is None


def test_latest_absolute_path_to_a_real_folder_is_refused(period: Path) -> None:
    (period / "LATEST").write_text(str(period / GOOD))  # exists, but is a path, not a run id
    assert pipeline.read_latest(period) is None


def test_latest_run_id_that_is_a_link_out_of_the_folder_is_refused(period: Path, tmp_path: Path) -> None:
    rid = "20260702T090000Z"
    (period / rid).symlink_to(tmp_path / "etc", target_is_directory=True)
    (period / "LATEST").write_text(rid + "\n")
    assert pipeline.read_latest(period) is None


def test_latest_that_is_not_text_is_refused(period: Path) -> None:
    (period / "LATEST").write_bytes(b"\xff\xfe" + GOOD.encode("utf-16-le"))
    assert pipeline.read_latest(period) is None


def test_write_latest_takes_only_run_ids(period: Path) -> None:
    with pytest.raises(ValueError, match="not a run id"):
        pipeline.write_latest(period, "../../etc")
    pipeline.write_latest(period, GOOD)
    assert (period / "LATEST").read_text() == GOOD + "\n"


def test_retention_with_a_hostile_latest_removes_nothing_outside(period: Path, tmp_path: Path) -> None:
    (tmp_path / "etc" / "passwd").write_text("root\n")
    (period / "LATEST").write_text("../../etc")
    assert pipeline.prune(period, retention=1) == []
    assert (tmp_path / "etc" / "passwd").read_text() == "root\n"


def test_clean_partials_removes_only_half_built_packs(period: Path) -> None:
    for name in (f".{GOOD}.partial", ".20260703T000000Z-2.partial", "20260704T000000Z.failed", ".notes.partial"):
        (period / name).mkdir()
        (period / name / "run.log").write_text("x\n")
    (period / "LATEST").write_text(GOOD + "\n")
    (period / ".lock").write_text("")
    removed = {p.name for p in pipeline.clean_partials(period)}
    assert removed == {f".{GOOD}.partial", ".20260703T000000Z-2.partial"}
    assert sorted(p.name for p in period.iterdir()) == [
        ".lock",
        ".notes.partial",
        GOOD,
        "20260704T000000Z.failed",
        "LATEST",
    ]


@pytest.mark.slow
def test_the_next_run_removes_partial_packs_left_by_a_crash(tmp_path: Path) -> None:
    out = tmp_path / "out"
    period = out / "2026-27-Q2"
    crashed = period / ".20260101T000000Z.partial"  # a run killed while building its pack
    (crashed / "shareable" / "tables").mkdir(parents=True)
    (crashed / "shareable" / "tables" / "half.csv").write_text("group,count\nA,3\n")
    result = pipeline.run(write_params(tmp_path / "p.yaml"), output_root=out, notebooks_dir=DEMO_NOTEBOOKS, quiet=True)
    assert result.code == 0 and result.pack is not None
    assert not crashed.exists()
    assert not list(period.glob(".*.partial"))
    assert (
        "Removed 1 partial pack(s) left by a run that stopped: .20260101T000000Z.partial"
        in (result.pack / "run.log").read_text()
    )
