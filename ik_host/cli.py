"""``python -m ik_host plugins [--json]``: what is installed and what it registered."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ik_host.plugins import IKPluginManager, get_plugin_manager
from ik_host.registry import get_registry


def plugin_report(pm: IKPluginManager | None = None) -> list[dict[str, Any]]:
    """One dict per registered plugin: name, distribution, version, hooks, components by kind."""
    pm = pm or get_plugin_manager()
    registries = get_registry()
    report = []
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda pair: str(pair[0])):
        info = pm.info_for(plugin)
        components: dict[str, list[str]] = {}
        for record in registries.by_plugin.get(name, []):
            components.setdefault(record.kind, []).append(record.name)
        report.append(
            {
                "name": name,
                "distribution": info.distribution,
                "version": info.version,
                "hooks": sorted(impl.name for impl in pm.get_hookcallers(plugin) or []),
                "components": {kind: sorted(names) for kind, names in components.items()},
            }
        )
    return report


def format_report(report: list[dict[str, Any]]) -> str:
    lines = []
    for entry in report:
        where = entry["distribution"] or "registered in code"
        version = f" {entry['version']}" if entry["version"] else ""
        lines.append(f"{entry['name']}  ({where}{version})")
        lines.append(f"  hooks: {', '.join(entry['hooks']) or '-'}")
        for kind, names in entry["components"].items():
            lines.append(f"  {kind}: {', '.join(names)}")
    return "\n".join(lines) if lines else "no ik_host plugins installed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ik_host", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    plugins = commands.add_parser("plugins", help="list installed plugins and their components")
    plugins.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args(argv)
    report = plugin_report()
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
