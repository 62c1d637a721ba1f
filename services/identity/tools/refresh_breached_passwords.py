"""Rebuild identity's shipped list of breached passwords from its two published sources.

    python3 services/identity/tools/refresh_breached_passwords.py \
        [--zxcvbn-ts-common 4.1.3] [--django 5.2.20]

Fetches the packages with their ordinary clients (`npm pack`, `pip download`), takes
  * `src/passwords.json` of the npm package `@zxcvbn-ts/language-common` (MIT): passwords seen
    more than ten times in Mark Burnett's ten million leaked passwords, most frequent first;
  * `django/contrib/auth/common-passwords.txt.gz` of the PyPI package `Django` (BSD-3-Clause):
    the 20,000 most common passwords compiled by Royce Williams;
and writes their union, normalised as identity compares them (NFKC, lower case, no whitespace),
sorted, as `src/identity/data/breached-passwords.txt.gz` (gzip without a timestamp, so the
same inputs give the same bytes). Update the versions in `src/identity/data/README.md` too.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from identity.security.breached import normalise

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "identity" / "data"
NPM_FILE = "package/src/passwords.json"
DJANGO_FILE = "django/contrib/auth/common-passwords.txt.gz"


def from_npm(version: str, workdir: Path) -> list[str]:
    """The passwords of @zxcvbn-ts/language-common at this version."""
    spec = f"@zxcvbn-ts/language-common@{version}"
    subprocess.run(["npm", "pack", spec, "--pack-destination", str(workdir)], check=True)
    [tarball] = workdir.glob("zxcvbn-ts-language-common-*.tgz")
    with tarfile.open(tarball) as archive:
        member = archive.extractfile(NPM_FILE)
        assert member is not None
        return list(json.load(member))


def from_django(version: str, workdir: Path) -> list[str]:
    """The common passwords shipped with Django at this version."""
    command = ["python3", "-m", "pip", "download", "--no-deps", "-d", str(workdir)]
    subprocess.run([*command, f"django=={version}"], check=True)
    [wheel] = workdir.glob("django-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        text = gzip.decompress(archive.read(DJANGO_FILE)).decode("utf-8")
    return text.splitlines()


def write_list(passwords: set[str], path: Path) -> None:
    """One password a line, sorted, gzip with no timestamp."""
    body = "".join(f"{p}\n" for p in sorted(passwords)).encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as out:
        out.write(body)
    path.write_bytes(buffer.getvalue())


def main() -> None:
    """Fetch both sources and write the merged list."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zxcvbn-ts-common", default="4.1.3")
    parser.add_argument("--django", default="5.2.20")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        raw = from_npm(args.zxcvbn_ts_common, Path(tmp)) + from_django(args.django, Path(tmp))
    passwords = {normalise(p) for p in raw} - {""}
    write_list(passwords, OUTPUT / "breached-passwords.txt.gz")
    print(f"{len(passwords)} passwords written to {OUTPUT / 'breached-passwords.txt.gz'}")


if __name__ == "__main__":
    main()
