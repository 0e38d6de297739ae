"""Known vulnerabilities in every installed package, from PyPI's JSON API (pip-audit's source).

    .venv/bin/python tools/audit_dependencies.py [--index https://pypi.org/pypi]

For each installed distribution it asks PyPI for that exact release (`/pypi/NAME/VERSION/json`),
as pip-audit does. Where that endpoint is not served (this workplace's proxy answers 404 for it),
it asks for the project (`/pypi/NAME/json`), whose vulnerabilities are those of the latest
release: they apply when the installed release is the latest one. A package held back to an
older release by another package's pin cannot be checked that way; it is listed by name so
nobody mistakes "not checked" for "clean".

Exit status: 1 when a known vulnerability affects an installed release, or when PyPI could not
be asked at all; 0 otherwise.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

PYPI = "https://pypi.org/pypi"
# The project itself is installed in editable mode and is not on PyPI.
OWN_PROJECT = "itabashi-line-navi"


@dataclass
class Finding:
    """What PyPI says about one installed release."""

    name: str
    version: str
    checked: bool = False
    latest: str | None = None
    error: str | None = None
    vulnerabilities: list[dict] = field(default_factory=list)


def fetch(url: str) -> dict | None:
    """PyPI's JSON for a URL; None for 404 (not served or not on PyPI)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def audit(name: str, version: str, index: str) -> Finding:
    """Ask PyPI about one release: the release itself, else the project's latest."""
    finding = Finding(name, version)
    try:
        release = fetch(f"{index}/{name}/{version}/json")
        if release is not None:
            finding.checked = True
            finding.vulnerabilities = release.get("vulnerabilities") or []
            return finding
        project = fetch(f"{index}/{name}/json")
    except (OSError, ValueError) as error:
        finding.error = type(error).__name__
        return finding
    if project is None:
        finding.error = "not on PyPI"
        return finding
    finding.latest = project["info"]["version"]
    if finding.latest == version:
        finding.checked = True
        finding.vulnerabilities = project.get("vulnerabilities") or []
    return finding


def installed() -> dict[str, str]:
    """Every installed distribution (normalised name → version), without this project."""
    found = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"].lower().replace("_", "-")
        if name != OWN_PROJECT:
            found[name] = dist.version
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default=PYPI, help="PyPI's JSON API (default: %(default)s)")
    args = parser.parse_args(argv)

    packages = installed()
    with ThreadPoolExecutor(max_workers=16) as pool:
        findings = list(
            pool.map(lambda item: audit(*item, args.index.rstrip("/")), sorted(packages.items()))
        )
    vulnerable = [f for f in findings if f.vulnerabilities]
    unreachable = [f for f in findings if f.error]
    held_back = [f for f in findings if not f.checked and not f.error]

    for finding in vulnerable:
        for vulnerability in finding.vulnerabilities:
            fixed = ", ".join(vulnerability.get("fixed_in") or []) or "no fix yet"
            print(
                f"VULNERABLE {finding.name} {finding.version}: {vulnerability.get('id')} "
                f"(fixed in {fixed}) {vulnerability.get('link') or ''}".rstrip()
            )
    for finding in unreachable:
        print(f"not checked {finding.name} {finding.version}: {finding.error}")
    if held_back:
        print(
            "not checked (an older release than PyPI's latest, and PyPI's per-release "
            "endpoint is not served here): "
            + ", ".join(f"{f.name} {f.version} (latest {f.latest})" for f in held_back)
        )
    checked = sum(f.checked for f in findings)
    print(
        f"audit: {len(findings)} packages, {checked} checked against PyPI, "
        f"{len(vulnerable)} with known vulnerabilities"
    )
    if vulnerable:
        print("Upgrade the packages above (pyproject.toml), then run `make audit` again.")
        return 1
    if unreachable and len(unreachable) == len(findings):
        print("PyPI's JSON API could not be reached: nothing was audited.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
