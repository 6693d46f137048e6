package dev.multifetch.sample.web;

import java.util.List;

import dev.multifetch.sample.fetch.TransferRegistry;
import dev.multifetch.sample.fetch.TransferRegistry.TransferView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Lists the transfers running now and cancels one. */
@RestController
@RequestMapping("/api/transfers")
@Tag(name = "transfers", description = "Transfers running now")
class TransfersController {

    private final TransferRegistry registry;

    TransfersController(TransferRegistry registry) {
        this.registry = registry;
    }

    @GetMapping
    @Operation(summary = "The transfers running now: id, url, state, elapsed time and body bytes so far")
    List<TransferView> running() {
        return this.registry.running();
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Cancel a running transfer; its fetch answers with error ABORTED_BY_CALLBACK")
    ResponseEntity<ProblemDetail> cancel(@PathVariable long id) {
        if (this.registry.cancel(id)) {
            return ResponseEntity.noContent().build();
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no transfer " + id + " is running");
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
    }
}
