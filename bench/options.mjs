// Command-line options of the bench scripts that also take targets: each
// option is taken out of `args`, so that what is left are the targets.

/** The number after `name` in `args` (both removed), or `fallback` if `name` is absent. */
export function takeNumber(args, name, fallback) {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
}

/** Whether `name` is in `args` (removed if so). */
export function takeFlag(args, name) {
  const at = args.indexOf(name);
  if (at >= 0) args.splice(at, 1);
  return at >= 0;
}
