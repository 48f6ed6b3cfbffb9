"""A replay beyond one process, on Dask (dask.distributed): the claim file split
into Parquet partitions of whole patients, each replayed by a worker with the
same function as `kaitei replay`, the rule book shipped to every worker once.
The reports are the partitions' parts of one Parquet dataset (a folder)."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from distributed import Client

from domain.claims import Claim
from domain.rulebook import RuleBook
from service.replay.files import Advance, read_claims
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
    ]
)
BATCH = 65_536


def part_of(claim: Claim, parts: int) -> int:
    """The partition of a claim: by patient (so a patient's claims count each
    other), else by claim id; the same in every process."""
    return zlib.crc32((claim.patient or f"claim {claim.id}").encode()) % parts


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
    pending: list[list[tuple[object, ...]]] = [[] for _ in range(parts)]
    try:
        for claim in read_claims(claims_file, max_lines, advance):
            rows = pending[part_of(claim, parts)]
            rows += [
                (
                    claim.id,
                    claim.patient,
                    claim.admission,
                    line.code,
                    line.date,
                    line.quantity,
                    line.disease,
                    claim.billed_points,
                )
                for line in claim.lines
            ]
            if len(rows) >= BATCH:
                _flush(writers[part_of(claim, parts)], rows)
        for writer, rows in zip(writers, pending, strict=True):
            _flush(writer, rows)
    finally:
        for writer in writers:
            writer.close()
    return paths


def _flush(writer: pq.ParquetWriter, rows: list[tuple[object, ...]]) -> None:
    if rows:
        columns = list(zip(*rows, strict=True))
        writer.write_table(
            pa.Table.from_arrays(
                [pa.array(c, type=f.type) for c, f in zip(columns, ROWS, strict=True)],
                schema=ROWS,
            )
        )
        rows.clear()


def replay_partition(
    claims_path: Path, book: RuleBook, report: Path | None, max_lines: int
) -> Tally:
    """One partition replayed, as `kaitei replay` replays a file."""
    return replay_file(claims_path, book, report, max_lines)


def replay_on_dask(
    client: Client,
    partitions: Sequence[Path],
    book: RuleBook,
    report_folder: Path | None,
    max_lines: int,
) -> Tally:
    """Every partition replayed on the cluster; the tallies added up. The report
    folder must be reachable by every worker (one machine, or shared storage)."""
    if report_folder is not None:
        report_folder.mkdir(parents=True, exist_ok=True)
    [shipped] = client.scatter([book], broadcast=True)  # type: ignore[no-untyped-call]
    futures = [
        client.submit(
            replay_partition,
            path,
            shipped,
            None if report_folder is None else report_folder / f"part-{n:05}.parquet",
            max_lines,
            pure=False,
        )
        for n, path in enumerate(partitions)
    ]
    return sum(client.gather(futures), Tally())  # type: ignore[no-untyped-call]
