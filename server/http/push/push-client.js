/*
 * Slipway push client (docs/platform-services.md, Push). In a page of your app:
 *
 *   <script src="{clientScript}"></script>
 *   const connection = Slipway.connect(token, (message, frame) => { … }, { onOpen, onClose });
 *   connection.close();
 *
 * Reconnects with backoff when the connection drops, ignores a message it has seen already (by id:
 * a message kept for an offline user may arrive twice) and acknowledges kept messages once
 * onMessage has run, so the platform deletes them.
 */
(function (root) {
  'use strict';
  // Replaced when the platform serves this file: its push socket.
  var DEFAULT_SOCKET_URL = '__SLIPWAY_PUSH_SOCKET_URL__';
  var TOKEN_EXPIRED = 4401;
  var REMEMBERED_IDS = 1000;
  var script = root.document && root.document.currentScript;
  // The socket is next to this script, however the page reached the platform.
  var socketUrl =
    script && script.src
      ? script.src.replace(/^http/, 'ws').replace(/client\.js([?#].*)?$/, 'socket')
      : DEFAULT_SOCKET_URL;

  function connect(token, onMessage, options) {
    if (typeof token !== 'string' || token === '')
      throw new TypeError('Slipway.connect: pass the channel token your app got from push/channel');
    if (typeof onMessage !== 'function') throw new TypeError('Slipway.connect: onMessage must be a function');
    options = options || {};
    var url = (options.url || socketUrl) + '?token=' + encodeURIComponent(token);
    var seen = new Set();
    var seenOrder = [];
    var socket = null;
    var timer = null;
    var attempts = 0;
    var stopped = false;

    function firstTime(id) {
      if (seen.has(id)) return false;
      seen.add(id);
      seenOrder.push(id);
      if (seenOrder.length > REMEMBERED_IDS) seen.delete(seenOrder.shift());
      return true;
    }

    function open() {
      timer = null;
      var current = new root.WebSocket(url);
      socket = current;
      current.onopen = function () {
        attempts = 0;
        if (options.onOpen) options.onOpen();
      };
      current.onmessage = function (event) {
        var frame;
        try {
          frame = JSON.parse(event.data);
        } catch {
          return;
        }
        if (!frame || frame.type !== 'message' || typeof frame.id !== 'string') return;
        try {
          if (firstTime(frame.id)) onMessage(frame.message, frame);
        } finally {
          if (frame.ack && current.readyState === 1) current.send(JSON.stringify({ type: 'ack', id: frame.id }));
        }
      };
      // A close event always follows an error; reconnecting is decided there.
      current.onerror = function () {};
      current.onclose = function (event) {
        if (socket !== current) return;
        socket = null;
        var reconnecting = !stopped && event.code !== TOKEN_EXPIRED;
        if (options.onClose) options.onClose({ code: event.code, reason: event.reason, reconnecting: reconnecting });
        if (reconnecting) schedule();
      };
    }

    function schedule() {
      // 0.5 s, 1 s, 2 s … up to 30 s, jittered so a restarted platform is not hit by every page at once.
      var delay = Math.min(30000, 500 * Math.pow(2, attempts++));
      timer = root.setTimeout(open, delay / 2 + (Math.random() * delay) / 2);
    }

    open();
    return {
      close: function () {
        stopped = true;
        if (timer !== null) root.clearTimeout(timer);
        timer = null;
        var current = socket;
        socket = null;
        if (current) current.close(1000, 'closed by the page');
      },
    };
  }

  root.Slipway = root.Slipway || {};
  root.Slipway.connect = connect;
})(globalThis);
