"""Chat context budget: a conversation whose history grows every turn.

Turn t sends the system prompt, the whole history of t-1 exchanges, the new input and the reply:
    context(t) = system + t x (prompt + output)
It must fit both the model's context window and the longest context the memory allows; the
first turn that does not is where the conversation has to be truncated or summarised.
"""

from __future__ import annotations

from typing import Literal

from llmsize.errors import BadInputError
from llmsize.records import ConfigDict, Field, Record

# The budget lists every turn; a conversation longer than this is not a chat plan (and a hostile
# --turns 10^30 would list rows until memory ran out: issue 15).
MAX_TURNS = 10_000


class ChatTurn(Record):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    turn: int = Field(gt=0)
    context_tokens: int
    fits: bool


class ChatBudget(Record):
    """How many turns of a chat fit, and what stops the next one."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    system_tokens: int
    prompt_tokens: int
    output_tokens: int
    turns_asked: int
    window_tokens: int = Field(description="the model's context window (max_position_embeddings)")
    memory_tokens: int | None = Field(description="longest context the memory holds; None: not even 1")
    limit_tokens: int
    limited_by: Literal["context window", "memory"]
    turns_that_fit: int = Field(description="complete turns that fit")
    stops_at_turn: int | None = Field(description="first turn that does not fit; None if all asked fit")
    turns: tuple[ChatTurn, ...]

    def summary(self) -> str:
        per_turn = self.prompt_tokens + self.output_tokens
        head = (f"each turn adds {per_turn:,} tokens ({self.prompt_tokens:,} in + {self.output_tokens:,} out)"
                + (f" to a {self.system_tokens:,}-token system prompt" if self.system_tokens else ""))
        if self.stops_at_turn is None:
            return (f"{head}; all {self.turns_asked} turns fit "
                    f"({self.turns[-1].context_tokens:,} of {self.limit_tokens:,} tokens, {self.limited_by})")
        return (f"{head}; turn {self.stops_at_turn} needs "
                f"{self.system_tokens + self.stops_at_turn * per_turn:,} tokens, over the "
                f"{self.limit_tokens:,} the {self.limited_by} allows: {self.turns_that_fit} turns fit")


def context_at_turn(turn: int, prompt_tokens: int, output_tokens: int, system_tokens: int = 0) -> int:
    return system_tokens + turn * (prompt_tokens + output_tokens)


def chat_budget(
    *,
    prompt_tokens: int,
    output_tokens: int,
    turns: int,
    window_tokens: int,
    memory_tokens: int | None,
    system_tokens: int = 0,
) -> ChatBudget:
    """Turn-by-turn context of a chat against the window and the memory limit."""
    if prompt_tokens < 1 or output_tokens < 0 or turns < 1 or system_tokens < 0:
        raise BadInputError("--prompt-tokens and --turns must be at least 1, --output-tokens at least 0")
    if turns > MAX_TURNS:
        raise BadInputError(f"--turns {turns:,} is more turns than a chat budget lists (up to {MAX_TURNS:,})")
    memory = memory_tokens or 0
    limited_by: Literal["context window", "memory"] = (
        "context window" if window_tokens <= memory else "memory")
    limit = min(window_tokens, memory)
    per_turn = prompt_tokens + output_tokens
    fitting = max(0, (limit - system_tokens) // per_turn) if per_turn else turns
    rows = tuple(
        ChatTurn(turn=t, context_tokens=context_at_turn(t, prompt_tokens, output_tokens, system_tokens),
                 fits=t <= fitting)
        for t in range(1, turns + 1)
    )
    return ChatBudget(
        system_tokens=system_tokens,
        prompt_tokens=prompt_tokens,
        output_tokens=output_tokens,
        turns_asked=turns,
        window_tokens=window_tokens,
        memory_tokens=memory_tokens,
        limit_tokens=limit,
        limited_by=limited_by,
        turns_that_fit=min(fitting, turns) if fitting < turns else turns,
        stops_at_turn=fitting + 1 if fitting < turns else None,
        turns=rows,
    )
