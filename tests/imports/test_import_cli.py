"""`kaitei import` of real master files in any order, as a shell glob lists them."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.cli.test_cli import kaitei
from tests.imports.test_mhlw_files import MASTERS


def unpack(folder: Path, *names: str) -> list[str]:
    with zipfile.ZipFile(MASTERS) as archive:
        for name in names:
            (folder / name).write_bytes(archive.read(name))
    return [str(folder / name) for name in names]


def test_master_files_are_imported_in_publication_order_whatever_the_order_given(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    # `kaitei import masters/*` lists the change files before s_ALL…
    files = unpack(tmp_path, "s_20220311.csv", "s_20220304.csv", "s_ALL20220218.zip")

    done = kaitei(url, "import", *files)
    shoshin = kaitei(url, "item", "111000110", "--as-of", "2022-04-01", "--json")

    assert done.returncode == 0, done.stderr
    recorded = [line.split(": ")[1].split()[0] for line in done.stdout.splitlines()]
    assert recorded == ["s_ALL20220218.zip", "s_20220304.csv", "s_20220311.csv"]
    assert '"value": 288' in shoshin.stdout


def test_a_change_file_without_its_full_file_is_refused_in_a_readable_message(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"

    refused = kaitei(url, "import", *unpack(tmp_path, "s_20220304.csv"))

    assert refused.returncode == 1
    assert "import the full file and the earlier change files first" in refused.stderr
    assert "more rows refused" in refused.stderr
    assert len(refused.stderr) < 3000
