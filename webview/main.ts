// The browser side of the Loss Lens webviews (breakdown panel and inspector). The host's HTML sets data-role.
import { App } from './app';
import { registerToolkit } from './components/index';
import { connectHost } from './host';

registerToolkit();
const root = document.getElementById('app');
if (root) {
  const role = document.body.dataset.role === 'inspector' ? 'inspector' : 'breakdown';
  new App(root, role, connectHost()).start();
}
