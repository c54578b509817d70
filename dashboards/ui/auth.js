// The login form the API layer opens on a 401: a token field when the aggregator takes bearer tokens, user and
// password when it takes Basic auth, both when it takes either.
import { storeAuthorization } from './api.js';

const $ = (id) => document.getElementById(id);

/** Basic credentials as RFC 7617 wants them: UTF-8, then base64 (btoa alone would refuse non-Latin-1 text). */
function basic(user, password) {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

export function askForCredentials(schemes, rejected) {
  const dialog = $('login');
  $('login-token').hidden = !schemes.includes('bearer');
  $('login-basic').hidden = !schemes.includes('basic');
  $('login-or').hidden = !(schemes.includes('bearer') && schemes.includes('basic'));
  $('login-error').textContent = rejected ? 'Those credentials were not accepted.' : '';
  $('login-error').hidden = !rejected;
  // Without credentials the page has nothing to show: the form stays until it is answered.
  dialog.oncancel = (ev) => ev.preventDefault();
  dialog.showModal();
  (schemes.includes('bearer') ? $('login-token-input') : $('login-user')).focus();
  return new Promise((resolve) => {
    $('login-form').onsubmit = (ev) => {
      ev.preventDefault();
      const token = $('login-token-input').value.trim();
      const user = $('login-user').value;
      let header;
      if (!$('login-token').hidden && token) header = `Bearer ${token}`;
      else if (!$('login-basic').hidden && user) header = basic(user, $('login-password').value);
      if (!header) {
        $('login-error').textContent = 'Enter a token or a user name and password.';
        $('login-error').hidden = false;
        return;
      }
      storeAuthorization(header);
      $('login-form').reset();
      dialog.close();
      resolve();
    };
  });
}
