/**
 * Small tools every layer may use and that use none of the project's other packages: today the
 * throttle for log lines a peer can trigger repeatedly. Imports nothing from {@code org.jremoted}.
 */
package org.jremoted.support;
