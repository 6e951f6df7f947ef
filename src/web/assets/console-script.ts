/**
 * The pages' one script, served at /assets/app-<hash>.js next to htmx (CSP `script-src 'self'`:
 * no inline script, no eval). Everything works without it except copying to the clipboard;
 * it adds: copy buttons, and focus on the message an htmx update brings.
 */
export const CONSOLE_SCRIPT = `
(function () {
  'use strict'
  function announce(button, text) {
    var status = document.getElementById('copy-status')
    if (status) status.textContent = text
    var label = button.getAttribute('data-label') || button.textContent
    button.setAttribute('data-label', label)
    button.textContent = text
    setTimeout(function () { button.textContent = label }, 2000)
  }
  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('[data-copy],[data-copy-from]') : null
    if (!button) return
    var value = button.getAttribute('data-copy')
    var from = button.getAttribute('data-copy-from')
    var field = from ? document.getElementById(from) : null
    if (field) value = field.value
    if (!value) return
    event.preventDefault()
    var done = function () { announce(button, 'Copied') }
    var fallback = function () {
      if (field) { field.focus(); field.select() }
      announce(button, field ? 'Press Ctrl+C to copy' : 'Copy failed')
    }
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(value).then(done, fallback)
    else fallback()
  })
  document.addEventListener('htmx:afterSettle', function () {
    var notice = document.querySelector('#notices .notice')
    if (notice && !notice.hasAttribute('data-seen')) {
      notice.setAttribute('data-seen', '')
      notice.setAttribute('tabindex', '-1')
      notice.focus()
    }
  })
})()
`
