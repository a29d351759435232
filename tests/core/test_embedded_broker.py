"""The embedded broker hands a consumer whole messages only, however often it polls.

kombu's filesystem transport creates a message's file before writing into it, and a consumer
polling at that moment takes an empty file: its worker stops on the JSON error and the message is
lost (celery/kombu#1551). A worker of the embedded default polls every few milliseconds. (With
kombu's own transport in place of `Transport`, this test fails: a JSON error, or messages lost.)
"""

import threading
import time

import kombu

from mentorship.core.embedded_broker import Transport

MESSAGES = 2000


def _connection(folder) -> kombu.Connection:
    return kombu.Connection(
        transport=Transport,
        transport_options={
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "control_folder": str(folder / "control"),
        },
    )


def test_a_consumer_polling_without_pause_gets_every_message_whole(tmp_path):
    body = "x" * 4000  # a few kilobytes, like a task message with its arguments
    with _connection(tmp_path) as sending, _connection(tmp_path) as taking:
        inbox = taking.SimpleQueue("race")
        outbox = sending.SimpleQueue("race")
        sender = threading.Thread(
            target=lambda: [outbox.put({"number": n, "body": body}) for n in range(MESSAGES)]
        )
        sender.start()
        received: list[int] = []
        deadline = time.monotonic() + 60
        while len(received) < MESSAGES and time.monotonic() < deadline:
            try:
                message = inbox.get_nowait()
            except inbox.Empty:
                continue
            received.append(message.payload["number"])
            message.ack()
        sender.join()

    assert sorted(received) == list(range(MESSAGES))
