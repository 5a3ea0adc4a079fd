package io.visitorprofiler.profiler.rules;

/**
 * A constant a time-dependent field is compared with in a rule ({@code visit.secondsOnSite >=
 * 900}): the moment the field crosses it is when the rule's outcome may change without an event.
 */
public record TimeThreshold(ProfileField field, long seconds) {}
