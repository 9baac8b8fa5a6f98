"""Per-account inclusion data, in an embedded SQLite database beside the attestation
(``private/inclusion.sqlite``). It holds every customer's salt and balances: it is the
operator's, never published; each customer receives only their own extract."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ..inputs.accounts import AccountBook
from ..io import create_private
from .layout import BookLayout
from .top_tree import TopTree

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE accounts (
    account_id TEXT PRIMARY KEY,
    leaf INTEGER NOT NULL UNIQUE,
    salt TEXT NOT NULL,
    equity TEXT NOT NULL,      -- JSON list of integer units, asset order
    debt TEXT NOT NULL,
    positions TEXT NOT NULL,   -- positions commitment, decimal
    quantities TEXT            -- JSON list of signed smallest units per instrument, or NULL
);
CREATE TABLE nodes (
    batch INTEGER NOT NULL,    -- -1: the top tree over batch slots
    level INTEGER NOT NULL,    -- 0 = leaves (for the top tree: batch roots)
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,        -- 32 bytes little-endian
    commitment BLOB,           -- sum commitment, NULL for leaves
    PRIMARY KEY (batch, level, idx)
) WITHOUT ROWID;
"""


def write(path: Path, book: AccountBook, layout: BookLayout, top: TopTree, meta: dict[str, str]) -> None:
    """Create the database at ``path`` (a new file, 0600 from its creation: SQLite gives its
    journal the database file's permissions)."""
    create_private(path).close()
    con = sqlite3.connect(path)
    try:
        con.executescript(SCHEMA)
        con.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        zeros = json.dumps(["0"] * len(book.assets))
        def positions(i: int) -> tuple[str, str | None]:
            if layout.positions is None:
                return "0", None
            assert layout.risk is not None  # positions come with the margin statement
            quantities = book.positions[i] if book.positions is not None else [0] * len(layout.risk.params.instruments)
            return str(layout.positions[layout.leaf_of[i]]), json.dumps([str(q) for q in quantities])

        con.executemany(
            "INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((aid, layout.leaf_of[i], str(layout.salts[i]), json.dumps([str(v) for v in book.equity[i]]),
              json.dumps([str(v) for v in book.debt[i]]) if book.debt is not None else zeros, *positions(i))
             for i, aid in enumerate(book.ids)),
        )
        tree = layout.tree
        for b in range(layout.num_batches):
            hashes, comms = tree.level_hashes(b), tree.level_commitments(b)
            for level, data in enumerate(hashes):
                cdata = comms[level - 1] if level else None
                con.executemany(
                    "INSERT INTO nodes VALUES (?, ?, ?, ?, ?)",
                    ((b, level, j, data[32 * j:32 * j + 32], cdata[32 * j:32 * j + 32] if cdata else None)
                     for j in range(len(data) // 32)),
                )
        for level, top_hashes in enumerate(top.levels):
            top_comms = top.commitments[level - 1] if level else None
            con.executemany(
                "INSERT INTO nodes VALUES (?, ?, ?, ?, ?)",
                ((-1, level, j, h.to_bytes(32, "little"), top_comms[j].to_bytes(32, "little") if top_comms else None)
                 for j, h in enumerate(top_hashes)),
            )
        con.commit()
    finally:
        con.close()


class InclusionDb:
    def __init__(self, path: Path):
        if not path.exists():
            raise FileNotFoundError(f"{path}: no inclusion database")
        self.con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self.meta = dict(self.con.execute("SELECT key, value FROM meta"))

    def account(self, account_id: str) -> tuple | None:
        return self.con.execute("SELECT leaf, salt, equity, debt, positions, quantities FROM accounts WHERE account_id = ?",
                                (account_id,)).fetchone()

    def node(self, batch: int, level: int, idx: int) -> tuple[int, int | None]:
        h, c = self.con.execute("SELECT hash, commitment FROM nodes WHERE batch=? AND level=? AND idx=?",
                                (batch, level, idx)).fetchone()
        return int.from_bytes(h, "little"), (int.from_bytes(c, "little") if c is not None else None)

    def close(self) -> None:
        self.con.close()
