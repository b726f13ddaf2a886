"""The one consumer shape: what a service consumes (``Consumer``) and how a decoded event
finds its handler (``EventRouter``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from msa_contracts.events import Event

from msa_kit.processing import Context, Subscription, UnexpectedEvent

D = TypeVar("D")
Route = Callable[[D, Context], Awaitable[None]]


@dataclass(frozen=True)
class Consumer:
    """A subscription with its topics and title, as the runtime registers it
    (``ServiceRuntime.subscribe_all``)."""

    title: str
    topics: tuple[str, ...]
    subscription: Subscription


class EventRouter(Generic[D]):
    """Each decoded event to the handler of its type, called with the service's deps.

    ``unknown="raise"``: an event without a route is a wiring mistake (``UnexpectedEvent``:
    retried, then dead-lettered); ``unknown="skip"``: the topic carries events that do not
    concern the service, which are only marked as seen (the inbox)."""

    def __init__(
        self, routes: Mapping[type[Event], Route[D]], *, unknown: Literal["raise", "skip"]
    ) -> None:
        self._routes = dict(routes)
        self._unknown = unknown

    @property
    def types(self) -> frozenset[type[Event]]:
        """The event types that have a handler."""
        return frozenset(self._routes)

    async def __call__(self, deps: D, ctx: Context) -> None:
        route = self._routes.get(type(ctx.event))
        if route is not None:
            await route(deps, ctx)
        elif self._unknown == "raise":
            raise UnexpectedEvent(f"no handler for {type(ctx.event).__name__}")
