"""The `:` command language: a registry, a parser, history and completion.

Adding a command is one `register()` call: a name, aliases, a usage string, a help line, an
optional completer for its argument and the callback that runs it. The command line widget
and the command palette both read the same registry.
"""

from __future__ import annotations

import shlex
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

Runner = Callable[[list[str]], Awaitable[None] | None]
Completer = Callable[[str], Sequence[str]]


class CommandError(Exception):
    """A command line that cannot run; the message is shown under the prompt."""


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Runner
    usage: str = ""
    """Argument placeholder shown in help, e.g. `<identifier>`."""
    aliases: tuple[str, ...] = ()
    min_args: int = 0
    max_args: int | None = 0
    complete: Completer | None = None
    """Completions for the first argument, given what was typed of it."""

    @property
    def synopsis(self) -> str:
        return f"{self.name} {self.usage}".strip()


@dataclass
class CommandRegistry:
    commands: dict[str, Command] = field(default_factory=dict)
    _aliases: dict[str, str] = field(default_factory=dict)

    def register(self, command: Command) -> None:
        self.commands[command.name] = command
        for alias in command.aliases:
            self._aliases[alias] = command.name

    def find(self, name: str) -> Command | None:
        name = name.lower()
        return self.commands.get(self._aliases.get(name, name))

    def parse(self, line: str) -> tuple[Command, list[str]]:
        """The command and its arguments; CommandError with a helpful sentence otherwise."""
        text = line.strip().removeprefix(":").strip()
        if not text:
            raise CommandError("Type a command, for example :projects (or :help).")
        try:
            words = shlex.split(text)
        except ValueError:
            raise CommandError("Unbalanced quotes in the command.") from None
        command = self.find(words[0])
        if command is None:
            suggestions = self.complete(words[0])
            hint = f" Did you mean :{suggestions[0].strip()}?" if suggestions else " Try :help."
            raise CommandError(f"Unknown command ':{words[0]}'.{hint}")
        args = words[1:]
        if len(args) < command.min_args or (
            command.max_args is not None and len(args) > command.max_args
        ):
            raise CommandError(f"Usage: :{command.synopsis}")
        return command, args

    def complete(self, line: str) -> list[str]:
        """Whole-line completions for what was typed, best first."""
        text = line.lstrip().removeprefix(":")
        if " " not in text:
            prefix = text.lower()
            names = sorted({*self.commands, *self._aliases})
            found: list[str] = []
            for name in names:
                command = self.find(name)
                if command is not None and name.startswith(prefix):
                    found.append(f"{name} " if command.max_args != 0 else name)
            return found
        head, _, rest = text.partition(" ")
        command = self.find(head)
        if command is None or command.complete is None or " " in rest.strip():
            return []
        return [f"{head} {value}" for value in command.complete(rest.strip())]


@dataclass
class History:
    """Previous command lines, newest last, without adjacent duplicates."""

    entries: list[str] = field(default_factory=list)
    limit: int = 200
    _cursor: int | None = None

    def add(self, line: str) -> None:
        line = line.strip()
        if line and (not self.entries or self.entries[-1] != line):
            self.entries.append(line)
            del self.entries[: -self.limit]
        self._cursor = None

    def previous(self) -> str | None:
        if not self.entries:
            return None
        self._cursor = len(self.entries) - 1 if self._cursor is None else max(self._cursor - 1, 0)
        return self.entries[self._cursor]

    def next(self) -> str | None:
        if self._cursor is None:
            return None
        self._cursor += 1
        if self._cursor >= len(self.entries):
            self._cursor = None
            return ""
        return self.entries[self._cursor]
