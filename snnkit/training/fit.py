"""Training loop of ``snnkit train``: Adam with cosine annealing, MSE between the output
firing rates and the one-hot label (as Fang et al.), a progress bar on a terminal, the
best held-out epoch kept in the checkpoint."""

from __future__ import annotations

import sys
import time

import numpy as np


def accuracy(net, images, labels, batch: int = 512) -> float:
    import torch
    net.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(images), batch):
            correct += int((net(images[i:i + batch]).argmax(1) == labels[i:i + batch]).sum())
    return correct / max(1, len(images))


def fit(split, epochs: int = 60, batch: int = 64, steps: int = 8, lr: float = 1e-3, learn_tau: bool = True,
        init_tau: float = 2.0, engine: str = "auto", seed: int = 0, checkpoint=None, progress=None) -> dict:
    import torch
    import torch.nn.functional as F
    from ..torch.network import PLIFNet
    torch.manual_seed(seed)
    train_x = torch.tensor(split.train_images, dtype=torch.float32)
    train_y = torch.tensor(split.train_labels)
    test_x = torch.tensor(split.test_images, dtype=torch.float32)
    test_y = torch.tensor(split.test_labels)
    net = PLIFNet(split.image_shape, split.n_classes, steps=steps, learn_tau=learn_tau, init_tau=init_tau,
                  engine=engine)
    optimiser = torch.optim.Adam(net.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, epochs)
    show = sys.stderr.isatty() if progress is None else progress
    bar = None
    if show:
        from tqdm import tqdm
        bar = tqdm(total=epochs, unit="epoch", file=sys.stderr, desc="snnkit train")
    history, best, trained, train_seconds = [], -1.0, 0, 0.0
    for epoch in range(epochs):
        net.train()
        order = torch.randperm(len(train_x))
        started = time.perf_counter()
        for i in range(0, len(order), batch):
            index = order[i:i + batch]
            rates = net(train_x[index])
            loss = F.mse_loss(rates, F.one_hot(train_y[index], split.n_classes).to(rates.dtype))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        train_seconds += time.perf_counter() - started
        trained += len(order)
        schedule.step()
        held_out = accuracy(net, test_x, test_y)
        history.append(dict(epoch=epoch, loss=float(loss.detach()), test_accuracy=held_out, taus=net.taus()))
        if held_out > best:
            best = held_out
            if checkpoint is not None:
                torch.save(dict(state=net.state_dict(), epoch=epoch, test_accuracy=held_out, taus=net.taus(),
                                steps=steps, learn_tau=learn_tau), checkpoint)
        if bar is not None:
            bar.set_postfix(loss=f"{float(loss.detach()):.4f}", held_out=f"{held_out:.3f}")
            bar.update(1)
    if bar is not None:
        bar.close()
    return dict(test_accuracy=history[-1]["test_accuracy"], best_test_accuracy=best,
                train_accuracy=accuracy(net, train_x, train_y), taus=net.taus(), learn_tau=learn_tau,
                samples_per_s=trained / max(train_seconds, 1e-9), history=history,
                final_loss=float(np.mean([h["loss"] for h in history[-3:]])))
