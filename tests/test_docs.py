"""The README against the code: its command list names exactly the commands `laa --help` lists, with options
that exist, and its Configuration table lists exactly the settings, with their defaults. When a command or a
setting is added, the failure says what to add to which side."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main

from dashboard.cli import app
from dashboard.settings import Settings

README = Path(__file__).resolve().parent.parent / "README.md"
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def section(text: str, heading: str) -> str:
    """The text under a `## heading` line, up to the next heading of that level (fenced code skipped)."""
    lines, inside, fenced = [], False, False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            if inside:
                break
            inside = line[3:].strip() == heading
            continue
        if inside:
            lines.append(line)
    if not inside:
        raise AssertionError(f"README.md has no '## {heading}' section")
    return "\n".join(lines)


def first_fenced_block(text: str) -> list[str]:
    """The lines of the first ``` block in text."""
    match = re.search(r"^```[^\n]*\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)
    if match is None:
        raise AssertionError("no fenced block where the README's command list should be")
    return match.group(1).splitlines()


def readme_commands() -> dict[str, str]:
    """Each command of the README's command list, with its entry's text (its line and the indented lines after)."""
    entries: dict[str, str] = {}
    name = None
    for line in first_fenced_block(section(README.read_text(encoding="utf-8"), "The command line")):
        if line.startswith("laa "):
            name = line.split()[1]
            entries[name] = line
        elif name and line.startswith(" "):
            entries[name] += "\n" + line
    return entries


def cli_commands() -> dict[str, Any]:
    """The commands `laa --help` lists (click commands of typer's own copy of click)."""
    group = typer.main.get_command(app)
    return {name: command for name, command in group.commands.items() if not command.hidden}


def option_names(command: Any) -> set[str]:
    """A command's options; for a group such as `laa user`, its subcommands' options too."""
    names = {name for param in command.params for name in (*param.opts, *param.secondary_opts)}
    for sub in getattr(command, "commands", {}).values():
        names |= option_names(sub)
    return names


def sides(missing_here: set[str], here: str, missing_there: set[str], there: str) -> str:
    """What each side lacks, naming the side."""
    parts = []
    for names, where in [(missing_here, here), (missing_there, there)]:
        if names:
            parts.append(f"{where} lacks: {', '.join(sorted(names))}")
    return "; ".join(parts)


def test_the_readme_lists_exactly_the_commands_of_laa_help():
    documented, actual = set(readme_commands()), set(cli_commands())
    assert documented == actual, sides(
        actual - documented,
        "README.md's command list (## The command line)",
        documented - actual,
        "`laa --help` (dashboard/cli/commands.py)",
    )


def readme_subcommands(group: str) -> set[str]:
    """The subcommands of `laa GROUP` the command list names: `laa user list | disable NAME | passwd NAME` is three
    (`laa user email NAME ADDRESS | --clear` is one: an option or a placeholder after `|` is no subcommand)."""
    lines = first_fenced_block(section(README.read_text(encoding="utf-8"), "The command line"))
    found = set()
    for line in lines:
        if line.startswith(f"laa {group} "):
            words = [part.split()[0] for part in line[len(f"laa {group} ") :].split(" | ") if part.split()]
            found |= {word for word in words if word.islower() and not word.startswith("-")}
    return found


@pytest.mark.parametrize("group", [name for name, command in cli_commands().items() if hasattr(command, "commands")])
def test_the_readme_lists_exactly_the_subcommands_of_each_command_group(group):
    documented, actual = readme_subcommands(group), set(cli_commands()[group].commands)
    assert documented == actual, sides(
        actual - documented,
        f"README.md's command list (its `laa {group} ...` lines)",
        documented - actual,
        f"`laa {group} --help` (dashboard/cli/commands.py)",
    )


def test_every_option_the_readme_gives_a_command_exists():
    commands = cli_commands()
    unknown = {
        f"laa {name} {option}"
        for name, entry in readme_commands().items()
        if name in commands
        for option in OPTION.findall(entry)
        if option not in option_names(commands[name])
    }
    assert not unknown, f"README.md's command list gives options that `laa` does not take: {', '.join(sorted(unknown))}"


def readme_settings() -> dict[str, str]:
    """The Configuration table: each variable with its default cell as written."""
    rows = {}
    for line in section(README.read_text(encoding="utf-8"), "Configuration").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2 and re.fullmatch(r"`LAA_\w+`", cells[0]):
            rows[cells[0].strip("`")] = cells[1]
    assert rows, "README.md's Configuration section has no table of LAA_ variables"
    return rows


def settings_fields() -> dict[str, object]:
    """Each setting as its environment variable, with its default."""
    prefix = Settings.model_config.get("env_prefix", "")
    return {f"{prefix}{name}".upper(): field.default for name, field in Settings.model_fields.items()}


def plain(default: object) -> str | None:
    """A default as the README writes it, or None where it is not a plain value (None: the README says what
    an unset variable means instead)."""
    if isinstance(default, bool):
        return str(default).lower()
    if isinstance(default, str | int | float):
        return str(default)
    return None


def test_the_configuration_table_lists_exactly_the_settings():
    documented, actual = set(readme_settings()), set(settings_fields())
    assert documented == actual, sides(
        actual - documented,
        "README.md's Configuration table",
        documented - actual,
        "dashboard.settings.Settings",
    )


PLAIN_DEFAULTS = {variable: plain(default) for variable, default in settings_fields().items() if plain(default)}


@pytest.mark.parametrize("variable", sorted(PLAIN_DEFAULTS))
def test_the_configuration_table_gives_each_plain_default(variable):
    cell = readme_settings().get(variable)
    assert cell is not None, f"README.md's Configuration table has no row for {variable}"
    written = re.match(r"`([^`]*)`", cell)
    assert written and written.group(1) == PLAIN_DEFAULTS[variable], (
        f"README.md's Configuration table gives {variable} the default {cell!r}; "
        f"dashboard.settings.Settings has `{PLAIN_DEFAULTS[variable]}`"
    )
