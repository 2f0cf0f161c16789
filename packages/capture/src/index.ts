export { capture, createCapture } from './capture.js';
export type { Capture, CaptureOptions, CaptureStats } from './capture.js';
