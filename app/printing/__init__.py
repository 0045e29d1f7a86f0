"""Printing: PDFs for notices, certificates and registers, built with ReportLab.

ReportLab is imported inside the functions that need it, never at module
import time, so the program starts quickly for clerks who do not print.
"""
