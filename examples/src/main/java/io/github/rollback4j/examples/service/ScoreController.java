package io.github.rollback4j.examples.service;

import io.github.rollback4j.Decision;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.core.ManagedModelRouter;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * {@code POST /score}: routes the transaction through the {@code scorer} router, sticky per user,
 * and answers the score and the release that produced it (for KPI attribution).
 */
@RestController
public class ScoreController {

    private final ManagedModelRouter<Transaction, Double> router;

    /** @param router the router the starter built from {@code rollback4j.routers.scorer} */
    public ScoreController(@Qualifier("scorerRouter") ManagedModelRouter<Transaction, Double> router) {
        this.router = router;
    }

    /**
     * @param tx the transaction
     * @return 200 with {@code score} and {@code release}; 400 for a bad transaction; 500 when the model failed
     */
    @PostMapping("/score")
    public ResponseEntity<Map<String, Object>> score(@RequestBody Transaction tx) {
        if (tx.user() == null || tx.user().isBlank() || tx.amount() < 0 || tx.merchantCategory() < 0 || tx.merchantCategory() > 9) {
            return ResponseEntity.badRequest().body(Map.of("error", "user is required, amount must be >= 0 and merchantCategory 0..9"));
        }
        try {
            Decision<Double> d = router.decide(tx, RequestContext.of(tx.user()));
            return ResponseEntity.ok(Map.of("score", d.output(), "release", d.release().value()));
        } catch (Exception e) {
            // The model's own failure, unchanged by the router; the trigger engine counted it for the release.
            return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(Map.of("error", String.valueOf(e.getMessage())));
        }
    }
}
