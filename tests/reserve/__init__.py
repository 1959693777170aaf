"""Tests of the reserve: proof of liabilities."""
