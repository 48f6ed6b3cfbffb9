"""kaitei's domain: fee items, revisions and the rules they carry (no frameworks)."""
