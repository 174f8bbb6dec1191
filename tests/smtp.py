"""A real SMTP server in the test process (aiosmtpd, in a thread of its own) that refuses mail
while told to, so tests see what the portal does when the mail server says no."""

import email
import socket
import threading
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller

REFUSAL = "451 4.3.0 Mail server busy, try again later"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FlakySMTP:
    """``refusing``: every message is refused with ``REFUSAL`` at DATA (a temporary error).
    ``bounce``: addresses refused for good at RCPT TO (550). ``received`` holds what was
    accepted, parsed with the standard library's e-mail parser."""

    def __init__(self):
        self.refusing = False
        self.bounce: set[str] = set()
        self.refused = 0
        self._raw: list[bytes] = []
        self._lock = threading.Lock()
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    # aiosmtpd handler hooks
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.bounce:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self.refusing:
                self.refused += 1
                return REFUSAL
            self._raw.append(envelope.original_content or envelope.content)
        return "250 2.0.0 Accepted"

    @property
    def received(self) -> list[EmailMessage]:
        with self._lock:
            return [email.message_from_bytes(raw, policy=default) for raw in self._raw]

    def start(self):
        self._controller.start()

    def stop(self):
        self._controller.stop()


def text_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
