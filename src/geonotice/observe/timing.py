"""``TimedNoticeResponder``: a ``NoticeResponder`` that knows how long it took, itself.

What geonotice adds to a response is the time spent in the responder's handling of each message
(deciding on the start message, rewriting the body) less the time spent waiting for the server
to take the messages it passes on. The application's own time is never in it. Four clock
readings per message; nothing else is allocated.
"""

from __future__ import annotations

from time import perf_counter

from starlette.types import Message, Receive, Scope, Send

from geonotice.inject.responder import NoticeResponder

__all__ = ["TimedNoticeResponder"]


class TimedNoticeResponder(NoticeResponder):
    """``spent`` is the time geonotice spent on this response so far, in seconds."""

    spent = 0.0
    _downstream = 0.0
    _send_on: Send

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self._send_on = send
        await super().__call__(scope, receive, self._timed_send)

    async def _timed_send(self, message: Message) -> None:
        start = perf_counter()
        await self._send_on(message)
        self._downstream += perf_counter() - start

    async def send_wrapped(self, message: Message) -> None:
        start = perf_counter()
        before = self._downstream
        await super().send_wrapped(message)
        self.spent += perf_counter() - start - (self._downstream - before)
