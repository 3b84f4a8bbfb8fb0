"""Reading config/procedures/*.yaml: each file parsed with its line numbers, checked, and turned into a
Procedure (bot/flows/procedure_checks.py); a file of the same name in an OA's own folder replaces it."""
from __future__ import annotations

from pathlib import Path

import yaml

from bot.flows.procedure_checks import build_procedure
from bot.flows.procedures import LINE, Procedure, ProcedureFileError

# libyaml's loader where PyYAML has it (its wheels do): ten times faster than the pure-Python one, which
# made loading the procedure files most of the start-up time.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):
    """SafeLoader that remembers the line each mapping starts on."""


def _mapping_with_line(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def load_procedures(folder: Path, overrides: Path | None = None) -> dict[str, Procedure]:
    """Read and check every *.yaml file in `folder` (a file of the same name in `overrides`
    replaces it, a new one adds a procedure); raise ProcedureFileError on the first problem."""
    procedures: dict[str, Procedure] = {}
    codes: dict[str, str] = {}
    chosen = {path.name: path for path in folder.glob("*.yaml")}
    if overrides is not None:
        chosen.update({path.name: path for path in overrides.glob("*.yaml")})
    files = [chosen[name] for name in sorted(chosen)]
    if not files:
        raise ProcedureFileError(folder, None, "no procedure files (*.yaml) found")
    for path in files:
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            mark = getattr(exc, "problem_mark", None)
            raise ProcedureFileError(path, mark.line + 1 if mark else None, f"not valid YAML: {exc}") from exc
        procedure = build_procedure(path, data)
        if procedure.code in codes:
            raise ProcedureFileError(path, data.get(LINE), f"code {procedure.code} is also used by {codes[procedure.code]}")
        codes[procedure.code] = path.name
        procedures[procedure.id] = procedure
    return procedures
