"""Issue #3's "Done when" queries, shared by the engine-level and the end-to-end tests."""

import unicodedata

ALL_SEEDS = {"000", "001", "002", "003", "004"}

# Each returns all five seeds.
DAN_VAN_KHEO = [
    "dan van kheo",
    "Dân vận khéo",
    unicodedata.normalize("NFD", "Dân vận khéo"),
    "DÂN VẬN KHÉO",
    "dân vân khéo",  # a typo in the tone: widened to the folded form
    '"dân vận khéo"',
    '"dan van kheo"',
]

# Query → the seeds it returns.
NAMES_AND_PLACES = [
    ('"Kim Bôi"', {"003"}),
    ("kim boi", {"003"}),
    ("Thanh Thuỷ", {"002", "004"}),
    ("Thanh Thủy", {"002", "004"}),
    ('"ngoc hanh"', {"004"}),
]
