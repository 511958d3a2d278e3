"""Export: the course as files other systems can run, written by one function per format."""
