"""Printouts on screen and on paper: the page painter for QPainter and the one preview dialog.

Every printout of the program (app.printing.document.Printout) is shown in
:class:`ui.printing.preview.PrintoutDialog`, printed with :func:`ui.printing.preview.print_printout`
and saved with :func:`ui.printing.preview.save_printout_pdf`.
"""
