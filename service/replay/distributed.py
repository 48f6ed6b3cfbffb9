"""A replay beyond one process, on Dask (dask.distributed): the claim file split
into Parquet partitions of whole patients, each replayed by a worker with the
same function as `kaitei replay`, the rule book (laid out for the bulk
pricer) shipped to every worker once.
The reports are the partitions' parts of one Parquet dataset (a folder)."""

from __future__ import annotations

import shutil
import tempfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from distributed import Client, LocalCluster, as_completed

from domain.rulebook import RuleBook
from service.replay.batches import ClaimRows, read_batches
from service.replay.files import Advance
from service.replay.plain_columns import NO_CENTS
from service.replay.report import DOSE, SCHEMA
from service.replay.repricing import Repricer, amounts, doses
from service.replay.run import Tally, replay_file

ROWS = pa.schema(
    [
        ("claim_id", pa.string()),
        ("patient", pa.string()),
        ("admission", pa.string()),
        ("code", pa.string()),
        ("date", pa.date32()),
        ("quantity", pa.int32()),
        ("disease", pa.string()),
        ("billed_points", pa.decimal128(14, 2)),
        ("dose", DOSE),
        ("group", pa.string()),
    ]
)


def part_of(claim_id: str, patient: str | None, parts: int) -> int:
    """The partition of a claim: by patient (so a patient's claims count each
    other), else by claim id; the same in every process."""
    return zlib.crc32((patient or f"claim {claim_id}").encode()) % parts


def partition(
    claims_file: Path,
    parts: int,
    folder: Path,
    max_lines: int,
    advance: Advance = lambda _: None,
) -> list[Path]:
    """Split a claim file into `parts` Parquet files of whole patients, each
    keeping the file's order; read and written a batch at a time."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"claims-{n:05}.parquet" for n in range(parts)]
    writers = [pq.ParquetWriter(path, ROWS) for path in paths]
    try:
        for rows in read_batches(claims_file, max_lines, advance):
            table = _table(rows)
            ids = rows.claim_id.take(pa.array(rows.starts[:-1])).to_pylist()
            claim_part = np.array(
                [part_of(c, p, parts) for c, p in zip(ids, rows.patient, strict=True)]
            )
            line_part = np.repeat(claim_part, np.diff(rows.starts))
            for n in np.unique(claim_part).tolist():
                writers[n].write_table(table.take(np.flatnonzero(line_part == n)))
    finally:
        for writer in writers:
            writer.close()
    return paths


def _table(rows: ClaimRows) -> pa.Table:
    """A batch as rows of ROWS (the claim's fields on each of its rows)."""
    billed = rows.billed_cents
    return pa.Table.from_arrays(
        [
            rows.claim_id,
            rows.per_row(rows.patient),
            rows.per_row(rows.admission),
            rows.code,
            rows.dates(),
            pa.array(rows.quantity, pa.int32()),
            rows.disease,
            amounts(billed, billed != NO_CENTS).take(pa.array(rows.line_claims())),
            doses(rows.dose, rows.lines),
            rows.group_names or pa.nulls(rows.lines, pa.string()),
        ],
        schema=ROWS,
    )


def replay_partition(
    claims_path: Path, repricer: Repricer, report: Path | None, max_lines: int
) -> Tally:
    """One partition replayed, as `kaitei replay` replays a file."""
    return replay_file(claims_path, repricer, report, max_lines)


def replay_on_dask(
    client: Client,
    partitions: Sequence[Path],
    book: RuleBook,
    report_folder: Path | None,
    max_lines: int,
    suffix: str = ".parquet",
    done: Advance = lambda _: None,
) -> Tally:
    """Every partition replayed on the cluster; the tallies added up. The report
    folder must be reachable by every worker (one machine, or shared storage);
    its parts are `part-NNNNN` + `suffix` (.parquet or .csv)."""
    if report_folder is not None:
        report_folder.mkdir(parents=True, exist_ok=True)
    [shipped] = client.scatter([Repricer(book)], broadcast=True)
    futures = [
        client.submit(
            replay_partition,
            path,
            shipped,
            None if report_folder is None else report_folder / f"part-{n:05}{suffix}",
            max_lines,
            pure=False,
        )
        for n, path in enumerate(partitions)
    ]
    tally = Tally()
    for future in as_completed(futures):
        tally += future.result()
        done(1)
    return tally


def replay_on_this_machine(
    claims_file: Path,
    book: RuleBook,
    report: Path | None,
    max_lines: int,
    workers: int,
    advance: Advance = lambda _: None,
) -> Tally:
    """`kaitei replay --workers N`: the file split into partitions of whole
    patients, replayed by N worker processes of a local Dask cluster, the parts
    of the report joined into one (grouped by partition; each claim's lines
    together, in file order within a partition)."""
    where = report.parent if report is not None else None
    with tempfile.TemporaryDirectory(prefix=".kaitei-replay-", dir=where) as tmp:
        parts = partition(claims_file, workers * 4, Path(tmp), max_lines, advance)
        folder = Path(tmp) / "report" if report is not None else None
        with (
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            ) as cluster,
            Client(cluster) as client,
        ):
            suffix = report.suffix.lower() if report is not None else ".parquet"
            tally = replay_on_dask(client, parts, book, folder, max_lines, suffix)
        if report is not None and folder is not None:
            joined(sorted(folder.iterdir()), report)
    return tally


def joined(parts: Sequence[Path], report: Path) -> None:
    """The parts of a report as one file, written beside it and renamed."""
    partial = report.with_name(f".{report.name}.partial")
    try:
        if report.suffix.lower() == ".parquet":
            with pq.ParquetWriter(partial, SCHEMA) as writer:
                for part in parts:
                    source = pq.ParquetFile(part)
                    for group in range(source.num_row_groups):
                        writer.write_table(source.read_row_group(group))
        else:
            with partial.open("wb") as out:
                for n, part in enumerate(parts):
                    with part.open("rb") as source:
                        header = source.readline()
                        if n == 0:
                            out.write(header)
                        shutil.copyfileobj(source, out)
        partial.replace(report)
    finally:
        partial.unlink(missing_ok=True)
