/**
 * Small tools every layer may use: the throttle for log lines a peer can trigger repeatedly,
 * saturating arithmetic, and {@link org.jremoted.support.LoopScheduler}, the daemon loop's clock
 * and timers as the state machines above see them (tests drive it with a fake).
 *
 * <p>Threads: each class says; {@code LoopScheduler} implementations run everything on the daemon
 * loop thread.
 *
 * <p>May import: nothing from org.jremoted.
 */
package org.jremoted.support;
