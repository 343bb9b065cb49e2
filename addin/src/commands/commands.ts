// The function file of the ribbon button: nothing to run, but Office waits for it to be ready.
if (typeof Office !== 'undefined') void Office.onReady();
