// Shared styles of every component. :host { all: initial } cuts the host
// page's inherited properties (font, colour, line height, letter spacing)
// off at the element; !important makes it win over host rules that name
// the element itself (a host `* { … !important }` matches our host element,
// and inside the shadow root nothing of the host page matches).
import { css } from 'lit';

export const base = css`
  :host { all: initial !important; display: block !important; contain: content; }
  :host([hidden]) { display: none !important; }
  .root, .root * { box-sizing: border-box; }
  .root {
    font-family: "Noto Sans", "Source Sans Pro", Arial, "DejaVu Sans", sans-serif;
    font-size: 1rem; line-height: 1.5; color: #0b0c0c; background: #fff;
    text-align: left; letter-spacing: normal; word-spacing: normal; text-transform: none;
    max-width: 46rem; padding: 1rem; border: 1px solid #b1b4b6; border-radius: 4px;
  }
  .root.plain { border: 0; padding: 0; max-width: none; background: transparent; }
  h2, h3 { font-weight: 700; line-height: 1.25; margin: 0 0 .75rem; }
  h2 { font-size: 1.5rem; } h3 { font-size: 1.15rem; }
  h2:focus, h3:focus { outline: none; }
  p { margin: 0 0 1rem; }
  a { color: #1d57a5; text-decoration: underline; }
  a:visited { color: #4c2c92; }
  a:hover { color: #003078; }
  a:focus, button:focus-visible, input:focus-visible, summary:focus-visible {
    outline: 3px solid #ffdd00; outline-offset: 0; box-shadow: 0 0 0 6px #0b0c0c; background-color: #ffdd00; color: #0b0c0c;
  }
  input:focus-visible { background-color: #fff; }
  .hint { color: #484949; margin: 0 0 .75rem; }
  .step { color: #484949; font-size: .95rem; margin: 0 0 .25rem; }
  button { font: inherit; cursor: pointer; }
  .btn {
    display: inline-block; background: #00703c; color: #fff; border: 2px solid transparent;
    border-radius: 0; padding: .5rem 1rem; box-shadow: 0 2px 0 #002d18; margin: 0 .5rem .75rem 0; font-weight: 600;
  }
  .btn:hover { background: #005a30; }
  .btn.secondary { background: #f3f2f1; color: #0b0c0c; box-shadow: 0 2px 0 #929191; }
  .btn.secondary:hover { background: #dbdad9; }
  .btn.warning { background: #d4351c; box-shadow: 0 2px 0 #55150b; }
  .link { background: none; border: 0; padding: 0; color: #1d57a5; text-decoration: underline; }
  fieldset { border: 0; margin: 0 0 1rem; padding: 0; min-width: 0; }
  legend { font-weight: 700; margin-bottom: .5rem; padding: 0; }
  label { display: block; margin-bottom: .25rem; }
  .choice { display: flex; gap: .6rem; align-items: flex-start; margin: 0 0 .6rem; }
  .choice input { width: 1.5rem; height: 1.5rem; margin: .1rem 0 0; flex: none; accent-color: #0b0c0c; }
  .choice label { margin: 0; }
  .choice .sub { display: block; color: #484949; font-size: .95rem; }
  input[type=text], input[type=email], input[type=tel] {
    font: inherit; border: 2px solid #0b0c0c; padding: .35rem .5rem; width: 100%; max-width: 24rem; border-radius: 0; color: #0b0c0c; background: #fff;
  }
  .field { margin-bottom: 1.1rem; }
  .field.error { border-left: 4px solid #d4351c; padding-left: .75rem; }
  .error-message { color: #d4351c; font-weight: 700; display: block; margin-bottom: .25rem; }
  input[aria-invalid=true] { border-color: #d4351c; }
  .error-summary { border: 4px solid #d4351c; padding: 1rem; margin-bottom: 1.25rem; }
  .error-summary h3 { margin-bottom: .5rem; }
  .error-summary ul { margin: 0; padding-left: 1.25rem; }
  .error-summary a { color: #d4351c; font-weight: 700; }
  .notice { border-left: 6px solid #1d70b8; background: #f3f7fb; padding: .75rem 1rem; margin: 0 0 1rem; }
  .notice.warn { border-color: #b58840; background: #fff7e6; }
  .notice.bad { border-color: #d4351c; background: #fdf0ee; }
  .panel { background: #00703c; color: #fff; padding: 1rem; text-align: center; margin-bottom: 1rem; }
  .panel strong { display: block; font-size: 2rem; letter-spacing: .05em; }
  dl.summary { display: grid; grid-template-columns: minmax(7rem, auto) 1fr; gap: .25rem 1rem; margin: 0 0 1rem; }
  dl.summary dt { font-weight: 700; }
  dl.summary dd { margin: 0; }
  .sr-only { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  .times { display: flex; flex-wrap: wrap; gap: .5rem; list-style: none; padding: 0; margin: 0 0 1rem; }
  .times .btn { margin: 0; min-width: 5.5rem; }
  .footer-links { border-top: 1px solid #b1b4b6; margin-top: 1rem; padding-top: .75rem; font-size: .95rem; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; }
  @media (max-width: 30rem) { .root { padding: .75rem; border-left: 0; border-right: 0; } h2 { font-size: 1.3rem; } }
  @media (prefers-reduced-motion: reduce) { * { transition: none !important; animation: none !important; scroll-behavior: auto !important; } }
`;
