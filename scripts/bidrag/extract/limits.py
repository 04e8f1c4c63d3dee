"""How much a document may ask of `bidrag extract`: a decision is a few pages of a few hundred
kilobytes, so anything far beyond is refused with a message instead of a hang or a MemoryError."""

MAX_BYTES = 30 * 1024 * 1024
MAX_PAGES = 60
# Text of a whole document (a real decision has some 30 000 characters): beyond this, parsing time
# would grow past what staff wait for.
MAX_CHARACTERS = 500_000
# Reading the text layer of one document (in a separate process that is ended when it is over).
READ_SECONDS = 60
READ_MEMORY_BYTES = 1024 * 1024 * 1024
# OCR of the pages without text: Tesseract needs several seconds a page on a shared machine.
OCR_SECONDS_PER_PAGE = 90
# A page with fewer letters than this in its text layer is taken as scanned.
MIN_LETTERS_ON_A_PAGE = 20
