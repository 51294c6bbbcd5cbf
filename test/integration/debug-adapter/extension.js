// Test only (see package.json): VS Code lets only the extension that contributes a debug type register its adapter.
// The adapter is Debian's debugpy, run by the interpreter the launch configuration names (debugger.test.ts finds one
// that imports torch and debugpy).
const vscode = require('vscode');

exports.activate = (context) => {
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory('loss-lens-test-debugpy', {
      createDebugAdapterDescriptor: (session) =>
        new vscode.DebugAdapterExecutable(session.configuration.python, ['-m', 'debugpy.adapter']),
    }),
  );
};
