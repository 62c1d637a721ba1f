"""The CI gate of the contracts: no breaking change, and the generated files are up to date.

Usage: python -m clinic_contracts.check [--against-ref GIT_REF]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from clinic_contracts import compat, generate


def main(argv: Sequence[str] | None = None) -> int:
    """Run compat, then generate --check (both, so CI shows every problem); 1 if either fails."""
    parser = argparse.ArgumentParser(prog="python -m clinic_contracts.check")
    parser.add_argument(
        "--against-ref",
        metavar="GIT_REF",
        help="compare with the schemas committed at this ref (in CI: the target branch)",
    )
    args = parser.parse_args(argv)
    compat_args = ["--against-ref", args.against_ref] if args.against_ref else []
    compat_status = compat.main(compat_args)
    generate_status = generate.main(["--check"])
    return 0 if compat_status == generate_status == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
