export function startBlinking(el: HTMLElement): ReturnType<typeof setInterval> {
  return setInterval(() => el.classList.toggle('on'), 500);
}

export function startPulse(el: HTMLElement) {
  const pulse = setInterval(() => el.classList.toggle('pulse'), 800);
  return pulse;
}

export const heartbeat = setInterval(() => console.log('alive'), 10_000);
