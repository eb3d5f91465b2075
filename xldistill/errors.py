"""The project's own error types: a stage catches these and prints one clear line."""


class XldistillError(Exception):
    """Bad input the user can fix (params, corpus files, downloads)."""


class ParamsError(XldistillError):
    """A key in params.yaml is unknown, missing, of the wrong type or out of range."""


class CorpusError(XldistillError):
    """A corpus file cannot be read as configured; the message names file and line."""


class DownloadError(XldistillError):
    """A download failed, did not match its checksum or held an unsafe archive member."""
