"""Anonymous surveys: students evaluate the union (TRN-2) and the federation asks (RGT-5), mounted at /surveys/ (#18)."""
