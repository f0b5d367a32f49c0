package io.github.rollback4j.spring.actuate;

import io.github.rollback4j.spring.RollbackRouters;
import io.github.rollback4j.trigger.Evidence;
import io.github.rollback4j.trigger.Verdict;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON shapes the endpoint and the incidents source share: verdicts with evidence, times, numbers. */
final class Views {

    private Views() {
    }

    static Map<String, Object> verdict(RollbackRouters.Entry e, Verdict v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trigger", v.trigger());
        m.put("candidate", e.releaseName(v.candidate()));
        m.put("candidateId", v.candidate().value());
        m.put("baseline", v.baseline() == null ? null : e.releaseName(v.baseline()));
        m.put("segment", v.segment() == null ? null : v.segment().name());
        m.put("level", v.level().name());
        m.put("severity", v.severity().name());
        m.put("time", text(v.time()));
        m.put("summary", v.summary(e.releaseName(v.candidate()) + " (" + v.candidate() + ")"));
        Evidence ev = v.evidence();
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("metric", ev.metric());
        evidence.put("candidateValue", number(ev.candidateValue()));
        evidence.put("baselineValue", number(ev.baselineValue()));
        evidence.put("threshold", ev.threshold());
        evidence.put("limit", number(ev.limit()));
        evidence.put("candidateSamples", ev.candidateSamples());
        evidence.put("baselineSamples", ev.baselineSamples());
        evidence.put("statistic", ev.statistic());
        evidence.put("statisticValue", number(ev.statisticValue()));
        evidence.put("pValue", number(ev.pValue()));
        evidence.put("eValue", number(ev.eValue()));
        evidence.put("windowFrom", text(ev.windowFrom()));
        evidence.put("windowTo", text(ev.windowTo()));
        evidence.put("breachingSince", text(ev.breachingSince()));
        evidence.put("note", ev.note());
        m.put("evidence", evidence);
        return m;
    }

    static Double number(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? null : value;
    }

    static String text(Instant time) {
        return time == null ? null : time.toString();
    }
}
