package io.reachflow.audience;

/** An upload refused before any of its rows is read (a CSV without a usable header row): nothing is imported. */
public class ImportRefusedException extends RuntimeException {

    public ImportRefusedException(String message) {
        super(message);
    }
}
