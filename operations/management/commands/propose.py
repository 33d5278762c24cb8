import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.api.proposals import ProposalRequestSerializer, propose


class Command(BaseCommand):
    help = (
        "Print, as JSON, the source, operations, targets and claims that the intake "
        "assistant proposes for an article. Writes nothing. The same proposals as "
        "POST /api/v1/proposals/ answers."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The article as UTF-8 text; - reads standard input.")
        parser.add_argument(
            "--published",
            required=True,
            metavar="YYYY-MM-DD",
            help='The publication date, which "on Thursday" or "last night" are read from.',
        )
        parser.add_argument("--url", help="The article's address.")
        parser.add_argument("--publisher", help="Who published it, as it names itself.")

    def handle(self, *args, file, published, url, publisher, **options):
        request = {"text": read_text(file), "published": published}
        if url is not None:
            request["url"] = url
        if publisher is not None:
            request["publisher"] = publisher
        # The API's own checks, so that both doors refuse the same input.
        serializer = ProposalRequestSerializer(data=request)
        if not serializer.is_valid():
            labels = {"text": "stdin" if file == "-" else file}
            raise CommandError(
                " ".join(
                    f"{labels.get(name, '--' + name)}: {message}"
                    for name, messages in serializer.errors.items()
                    for message in messages
                )
            )
        if "stdout" not in options and hasattr(sys.stdout, "reconfigure"):
            # The JSON is UTF-8 whatever the terminal's locale says.
            sys.stdout.reconfigure(encoding="utf-8")
        self.stdout.write(json.dumps(propose(serializer), indent=2, ensure_ascii=False))


def read_text(file):
    try:
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
    try:
        # A byte-order mark is not part of the text.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CommandError(
            f"{file} is not UTF-8 text (byte {error.start + 1} cannot be read)."
        ) from None
