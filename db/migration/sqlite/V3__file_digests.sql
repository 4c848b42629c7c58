-- Digests of the files a task binding covers (the program, an interpreter's script, bind_files),
-- remembered by the file's identity so that a large program is not read on every run. A row is
-- used only while the file's device, inode, size, modification and change times are all the same;
-- any write to the file changes its change time (ctime), which no caller can set back. Rows are
-- written only for files that were last changed more than 2 seconds before they were read, so a
-- write within the file system's timestamp granularity cannot go unnoticed ("racy" entries, as
-- git calls them, are always read again).
CREATE TABLE file_digests (
  path        TEXT    NOT NULL PRIMARY KEY,
  device      INTEGER NOT NULL,
  inode       INTEGER NOT NULL,
  size        INTEGER NOT NULL,
  mtime_ns    INTEGER NOT NULL,
  ctime_ns    INTEGER NOT NULL,
  sha256      TEXT    NOT NULL CHECK (sha256 GLOB 'sha256:*'),
  recorded_at TEXT    NOT NULL
) STRICT;

PRAGMA user_version = 3;
