"""The HR pull API (/api/v1): the completion report as JSON pages for HR systems, read with
per-organisation bearer tokens that administrators create and revoke."""
