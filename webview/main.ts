// The browser side of the breakdown panel. Placeholder until the webview issue lands.
document.body.textContent = 'Loss Lens';
