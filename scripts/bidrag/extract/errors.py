"""What `bidrag extract` refuses: a file it cannot read (exit 1) and a document that is no decision (exit 3)."""


class UnreadableDocument(Exception):
    pass


class NotADecision(Exception):
    pass
