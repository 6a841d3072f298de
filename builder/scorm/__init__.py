"""The SCORM 1.2 packager."""
