-- Scale-out: several servers share this database. Every stored board update gets a gap-free
-- sequence per board (`seq`), assigned under the lock of the board's head row, so a server that
-- has applied a board up to n fetches `seq > n` and never skips a row (a global identity's
-- concurrent commits can become visible out of order). `origin` names the server process that
-- wrote it: a server skips its own rows when it catches up.
ALTER TABLE room_updates ADD COLUMN seq BIGINT;
ALTER TABLE room_updates ADD COLUMN origin BIGINT;
UPDATE room_updates AS u SET seq = numbered.seq
FROM (SELECT id, row_number() OVER (PARTITION BY session_id ORDER BY id) AS seq FROM room_updates) AS numbered
WHERE u.id = numbered.id;
ALTER TABLE room_updates ALTER COLUMN seq SET NOT NULL;
CREATE UNIQUE INDEX room_updates_by_board_seq ON room_updates (session_id, seq);

-- One row per board: its highest sequence, and whether it still takes updates. Appends lock it
-- (in session order, so two servers never deadlock); closing a session sets `open` to 0 under the
-- same lock, so no update lands after the acta has read the board.
CREATE TABLE room_heads (
    session_id BIGINT PRIMARY KEY REFERENCES sessions (id),
    seq        BIGINT NOT NULL,
    open       BIGINT NOT NULL DEFAULT 1
);
INSERT INTO room_heads (session_id, seq, open)
SELECT u.session_id, MAX(u.seq),
       CASE WHEN MAX(s.status) IN ('programada', 'en_curso') THEN 1 ELSE 0 END
FROM room_updates AS u JOIN sessions AS s ON s.id = u.session_id
GROUP BY u.session_id;
