"""The command line (presentation only: it calls the stages and prints)."""
